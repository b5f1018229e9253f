namespace Vaurien.Host.Proxy;

/// <summary>Why one loop of a <see cref="SocketTransport"/> ended.</summary>
internal enum TransportEnd
{
    /// <summary>Still running.</summary>
    Running,

    /// <summary>Receive: the peer sent FIN. Send: the protocol completed the output and all of it went out.</summary>
    Completed,

    /// <summary>The proxy stopped the loop: the connection is closing, or the protocol stopped reading.</summary>
    Stopped,

    /// <summary>Receive: stopped while waiting for data, the socket left open to serve another client.</summary>
    Idle,

    /// <summary>The loop drops data: the connection hangs.</summary>
    Dropped,

    /// <summary>The peer reset the connection (or it broke under us): expected, logged at debug level.</summary>
    Reset,

    /// <summary>The proxy closed the socket while the loop was waiting on it: expected, not logged.</summary>
    Aborted,

    /// <summary>A socket error nobody expected: logged as an error.</summary>
    Failed,
}
