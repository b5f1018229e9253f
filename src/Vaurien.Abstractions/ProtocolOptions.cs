namespace Vaurien;

/// <summary>
/// Vaurien's options common to every protocol. A protocol's options record derives from it; the host reads these
/// to set up the sockets.
/// </summary>
public record ProtocolOptions
{
    /// <summary>The most bytes read from a socket at once. Defaults to 65536.</summary>
    /// <remarks>
    /// Vaurien read 2048. Bulk transfers are paid per read (a wait, a receive and a send each), so 64 KiB reads move
    /// data at haproxy's speed where 16 KiB reads reached 0.8 of it; a buffer is only held while data is in flight.
    /// </remarks>
    [Option("Buffer size: the most bytes read from a socket at once, in bytes. For tcp, one read is one exchange. Defaults to 65536.", Min = 512, Max = 16 * 1024 * 1024)]
    public int Buffer { get; init; } = 65536;

    /// <summary>Turns on TCP keep-alive probes on both sockets. Defaults to false.</summary>
    [Option("Keep the connection alive: turn on TCP keep-alive probes on the client and backend sockets.")]
    public bool KeepAlive { get; init; }

    /// <summary>Keeps a healthy backend connection for the next client once a client leaves. Defaults to false.</summary>
    [Option("If true, the socket is reused: a backend connection left healthy by one client serves the next one.")]
    public bool ReuseSocket { get; init; }
}
