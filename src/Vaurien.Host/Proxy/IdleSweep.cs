namespace Vaurien.Host.Proxy;

/// <summary>
/// Closes a proxy's connections that moved no bytes for <see cref="Timeout"/>. Every read and send records the time in
/// its connection (<see cref="Touch"/>: one store); one timer per proxy (Kestrel's heartbeat) looks at every connection
/// when the earliest deadline comes, closes the expired ones, and sets itself for the next deadline.
/// </summary>
/// <remarks>
/// A timer per connection cost ~190 bytes per idle connection (the timer, its provider wrapper and the object that
/// owned it); a timestamp costs 8. Moving a timer on every read and send (YARP's ActivityCancellationTokenSource) would
/// also take the timer queue's lock twice per request and direction.
/// </remarks>
internal sealed class IdleSweep : IDisposable
{
    /// <summary>The <see cref="ITimedConnection.LastActivity"/> of a connection the sweep does not time.</summary>
    // Not 0: a TimeProvider's timestamps may start there (a test's manual clock does).
    public const long NotTimed = long.MinValue;

    // Ticks are at least Timeout/8 apart, or this for long timeouts: a connection is closed within that much of its
    // deadline, and connections expiring at staggered times cost a tick per such interval, not a tick (a scan) each.
    private static readonly TimeSpan MaxGranularity = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private readonly IEnumerable<ITimedConnection> _connections;
    private readonly Action<Exception> _onError;
    private readonly TimeSpan _granularity;
    private readonly ITimer _timer;
    private int _started;
    private int _disposed;

    /// <summary>Makes the sweep, not yet running: the first <see cref="Touch"/> starts it.</summary>
    /// <param name="timeout">How long a connection may move nothing; positive.</param>
    /// <param name="time">The clock and the timer.</param>
    /// <param name="connections">The live connections, enumerated afresh on each tick while they come and go.</param>
    /// <param name="onError">Told what a connection threw when it was closed; the sweep goes on.</param>
    public IdleSweep(TimeSpan timeout, TimeProvider time, IEnumerable<ITimedConnection> connections, Action<Exception> onError)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Timeout = timeout;
        _time = time;
        _connections = connections;
        _onError = onError;
        _granularity = timeout / 8 < MaxGranularity ? timeout / 8 : MaxGranularity;

        // The timer comes from the TimeProvider (tests drive it).
        _timer = time.CreateTimer(static self => ((IdleSweep)self!).OnTick(), this, System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
    }

    public TimeSpan Timeout { get; }

    /// <summary>
    /// Something moved on a connection: its deadline is now <see cref="Timeout"/> from now. Allocation-free and
    /// lock-free: one store, and a read of whether the timer runs.
    /// </summary>
    public void Touch(ref long lastActivity)
    {
        Volatile.Write(ref lastActivity, _time.GetTimestamp());
        if (Volatile.Read(ref _started) == 0 && Interlocked.Exchange(ref _started, 1) == 0)
        {
            // Every deadline is at most a timeout away, so a running timer is always early enough for a new one.
            Arm(Timeout);
        }
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, 1);
        _timer.Dispose();
    }

    private void OnTick()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        // With no connection timed, wait a whole timeout rather than stop: stopping would race with a new one starting.
        var next = Timeout;
        try
        {
            next = Sweep();
        }
        catch (Exception e)
        {
            // Never out of a timer callback (that ends the process); the next tick tries again.
            Report(e);
        }

        Arm(next > _granularity ? next : _granularity);
    }

    // Closes the expired connections; returns how long until the earliest deadline of the others.
    private TimeSpan Sweep()
    {
        var next = Timeout;
        foreach (var connection in _connections)
        {
            ref var lastActivity = ref connection.LastActivity;
            var seen = Volatile.Read(ref lastActivity);
            if (seen == NotTimed)
            {
                continue;
            }

            var remaining = Timeout - _time.GetElapsedTime(seen);
            if (remaining > TimeSpan.Zero)
            {
                next = remaining < next ? remaining : next;
            }
            else if (Interlocked.CompareExchange(ref lastActivity, NotTimed, seen) == seen)
            {
                // Untimed first: teardown takes the connection off the list later, and until then no tick may close it
                // again. A read or send since it was seen wins: the connection is not idle after all (the compare fails),
                // and its deadline is a whole timeout away.
                Expire(connection);
            }
        }

        return next;
    }

    private void Expire(ITimedConnection connection)
    {
        try
        {
            connection.OnIdle();
        }
        catch (Exception e)
        {
            // One connection's failure must not spare the others.
            Report(e);
        }
    }

    private void Report(Exception error)
    {
        try
        {
            _onError(error);
        }
        catch (Exception)
        {
            // A failing logger must not end the sweep either.
        }
    }

    private void Arm(TimeSpan due)
    {
        try
        {
            _timer.Change(due, System.Threading.Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The proxy was disposed meanwhile.
        }
    }
}
