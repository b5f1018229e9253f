namespace Vaurien;

/// <summary>
/// Vaurien's options common to every protocol. A protocol's options record derives from it; the host reads these
/// to set up the sockets.
/// </summary>
public record ProtocolOptions
{
    /// <summary>
    /// The most bytes read from a socket at once, except in a bulk transfer (a read that filled its buffer is followed
    /// by reads of up to four); for tcp, one exchange. Defaults to 65536.
    /// </summary>
    /// <remarks>
    /// Vaurien read 2048. Bulk transfers are paid per read (a wait, a receive and a send each), so the larger the reads
    /// the nearer haproxy's speed; a buffer is only held while data is in flight. An exchange is never larger than
    /// this: a larger read is relayed as several exchanges.
    /// </remarks>
    [Option("Buffer size, in bytes: the most bytes read from a socket at once (a bulk transfer reads up to 4 buffers at once); for tcp, one read, or each buffer of a larger one, is one exchange. Defaults to 65536.", Min = 512, Max = 16 * 1024 * 1024)]
    public int Buffer { get; init; } = 65536;

    /// <summary>Turns on TCP keep-alive probes on both sockets. Defaults to false.</summary>
    [Option("Keep the connection alive: turn on TCP keep-alive probes on the client and backend sockets.")]
    public bool KeepAlive { get; init; }

    /// <summary>Keeps a healthy backend connection for the next client once a client leaves. Defaults to false.</summary>
    [Option("If true, the socket is reused: a backend connection left healthy by one client serves the next one.")]
    public bool ReuseSocket { get; init; }
}
