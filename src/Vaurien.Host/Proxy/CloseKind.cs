namespace Vaurien.Host.Proxy;

/// <summary>How a connection is being closed.</summary>
internal enum CloseKind
{
    /// <summary>Not closing.</summary>
    None,

    /// <summary>FIN to both peers once what was already forwarded has gone out.</summary>
    Graceful,

    /// <summary>RST to both peers at once (linger 0): what was queued is dropped.</summary>
    Reset,
}
