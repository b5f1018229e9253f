namespace Vaurien;

/// <summary>
/// Vaurien's options common to every protocol. A protocol's options record derives from it; the host reads these
/// to set up the sockets.
/// </summary>
public record ProtocolOptions
{
    /// <summary>The most bytes read from a socket at once. Defaults to 16384.</summary>
    [Option("Buffer size: the most bytes read from a socket at once, in bytes. For tcp, one read is one exchange.", Min = 512, Max = 16 * 1024 * 1024)]
    public int Buffer { get; init; } = 16384;

    /// <summary>Turns on TCP keep-alive probes on both sockets. Defaults to false.</summary>
    [Option("Keep the connection alive: turn on TCP keep-alive probes on the client and backend sockets.")]
    public bool KeepAlive { get; init; }

    /// <summary>Keeps a healthy backend connection for the next client once a client leaves. Defaults to false.</summary>
    [Option("If true, the socket is reused: a backend connection left healthy by one client serves the next one.")]
    public bool ReuseSocket { get; init; }
}
