namespace Vaurien.Host.Proxy;

/// <summary>
/// Ends a connection that moved no bytes for a while. Every read and write records the time (one store); one timer
/// per connection fires at the earliest possible deadline and, if something moved since, waits out the rest.
/// </summary>
/// <remarks>
/// Moving a timer on every read and send (YARP's ActivityCancellationTokenSource does <c>CancelAfter</c>) takes the
/// timer queue's lock twice per request and direction, and a cancellation source with its registration costs ~200
/// bytes per idle connection; a timestamp costs neither.
/// </remarks>
internal sealed class ActivityTimeout : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Action<object?> _onTimeout;
    private readonly object? _state;
    private readonly ITimer _timer;
    private long _lastActivity;
    private int _started;
    private int _done;

    /// <summary>Makes the timeout, not yet running: the first <see cref="Reset"/> starts it.</summary>
    public ActivityTimeout(TimeSpan timeout, TimeProvider time, Action<object?> onTimeout, object? state)
    {
        Timeout = timeout;
        _time = time;
        _onTimeout = onTimeout;
        _state = state;

        // The timer comes from the TimeProvider (tests drive it).
        _timer = time.CreateTimer(static self => ((ActivityTimeout)self!).OnTimer(), this, System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
    }

    public TimeSpan Timeout { get; }

    /// <summary>Something moved: the deadline is now <see cref="Timeout"/> from now. Allocation-free, lock-free.</summary>
    public void Reset()
    {
        Volatile.Write(ref _lastActivity, _time.GetTimestamp());
        if (Volatile.Read(ref _started) == 0 && Interlocked.Exchange(ref _started, 1) == 0)
        {
            Arm(Timeout);
        }
    }

    public void Dispose()
    {
        Volatile.Write(ref _done, 1);
        _timer.Dispose();
    }

    private void OnTimer()
    {
        if (Volatile.Read(ref _done) != 0)
        {
            return;
        }

        var idle = _time.GetElapsedTime(Volatile.Read(ref _lastActivity));
        if (idle < Timeout)
        {
            // Something moved since the timer was set: the deadline is that much later.
            Arm(Timeout - idle);
            return;
        }

        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            _onTimeout(_state);
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
            // The connection was torn down meanwhile.
        }
    }
}
