namespace Vaurien.Host.Proxy;

/// <summary>What <see cref="IdleSweep"/> needs of a connection: when it last moved bytes, and a way to close it.</summary>
internal interface ITimedConnection
{
    /// <summary>
    /// The timestamp of its last read or send, written by <see cref="IdleSweep.Touch"/>; <see cref="IdleSweep.NotTimed"/>
    /// before the first one, and again once the sweep expired it (until the next read or send).
    /// </summary>
    ref long LastActivity { get; }

    /// <summary>Nothing moved for the timeout: close the connection. Called on the sweep's timer.</summary>
    void OnIdle();
}
