namespace Vaurien.Host.Proxy;

/// <summary>
/// Takes a <see cref="ReadinessWaiter"/>'s event on the engine's thread while its waiter waits, without waking it: a
/// read that goes straight on costs a call, not a continuation's resumption and its next wait.
/// </summary>
internal interface IReadinessHandler
{
    /// <summary>
    /// Called on the engine's thread for an event that finds the waiter waiting; never at the same time as the waiter's
    /// own code. True when the event was dealt with and the waiter waits on; false to wake it as usual.
    /// </summary>
    bool TryHandle();
}
