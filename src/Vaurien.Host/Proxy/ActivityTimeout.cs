namespace Vaurien.Host.Proxy;

/// <summary>
/// Ends a connection that moved no bytes for a while. Every read and write pushes the one deadline back
/// (YARP's ActivityCancellationTokenSource): one timer per connection, none per loop or per read.
/// </summary>
internal sealed class ActivityTimeout : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationTokenRegistration _registration;

    /// <summary>Makes the timeout, not yet running: the first <see cref="Reset"/> starts it.</summary>
    public ActivityTimeout(TimeSpan timeout, TimeProvider time, Action<object?> onTimeout, object? state)
    {
        Timeout = timeout;

        // The timer comes from the TimeProvider (tests drive it); CancelAfter only ever moves this one timer.
        _source = new CancellationTokenSource(System.Threading.Timeout.InfiniteTimeSpan, time);
        _registration = _source.Token.UnsafeRegister(onTimeout, state);
    }

    public TimeSpan Timeout { get; }

    /// <summary>Something moved: the deadline is now <see cref="Timeout"/> from now. Allocation-free.</summary>
    public void Reset()
    {
        try
        {
            // Moves the existing timer; after the timeout fired it does nothing.
            _source.CancelAfter(Timeout);
        }
        catch (ObjectDisposedException)
        {
            // A loop still winding down after the connection was torn down.
        }
    }

    public void Dispose()
    {
        _registration.Dispose();
        _source.Dispose();
    }
}
