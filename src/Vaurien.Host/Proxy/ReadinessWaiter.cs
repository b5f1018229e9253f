using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace Vaurien.Host.Proxy;

/// <summary>
/// One direction of a socket's readiness (readable or writable) as an awaitable that allocates nothing: the engine
/// signals it on every edge-triggered event; a wait returns at once if an event came since the last one, otherwise its
/// continuation runs on the engine's thread when the next event comes.
/// </summary>
/// <remarks>
/// An event that finds no waiter is remembered (<c>Ready</c>), so none is lost between the caller's system call that
/// found nothing and its wait. A spurious return is harmless: the caller's next non-blocking call says would-block and
/// it waits again. An event that finds the waiter waiting goes to the signal's handler first, if there is one
/// (<c>Handling</c>: a close or cancel that comes meanwhile is delivered once the handler returned, so the waiter's code
/// never runs beside it).
/// </remarks>
internal sealed class ReadinessWaiter : IValueTaskSource
{
    private const int Idle = 0;
    private const int Ready = 1;
    private const int Waiting = 2;
    private const int Closed = 3;
    private const int Canceled = 4;
    private const int Handling = 5;

    private ManualResetValueTaskSourceCore<bool> _source;
    private int _state;

    public ReadinessWaiter()
    {
        // The socket engine's thread runs the continuation, as .NET's engine does with inline completions.
        _source.RunContinuationsAsynchronously = false;
    }

    /// <summary>Completes at the next event (at once if one came since the last wait); fails once closed or canceled.</summary>
    public ValueTask WaitAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Ready) == Ready)
        {
            return default;
        }

        _source.Reset();
        switch (Interlocked.CompareExchange(ref _state, Waiting, Idle))
        {
            case Idle:
                return new ValueTask(this, _source.Version);
            case Ready:
                // An event came in between.
                Interlocked.CompareExchange(ref _state, Idle, Ready);
                return default;
            case Canceled:
                return ValueTask.FromException(new OperationCanceledException());
            default:
                return ValueTask.FromException(new SocketException((int)SocketError.OperationAborted));
        }
    }

    /// <summary>
    /// An event, on the engine's thread: wakes the waiter, unless <paramref name="handler"/> deals with it; with no
    /// waiter, it is remembered for the next wait.
    /// </summary>
    public void Signal(IReadinessHandler? handler = null)
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if (state == Waiting)
            {
                if (handler is not null)
                {
                    if (Interlocked.CompareExchange(ref _state, Handling, Waiting) == Waiting)
                    {
                        var handled = false;
                        try
                        {
                            handled = handler.TryHandle();
                        }
                        finally
                        {
                            // Even if it threw: the waiter must not be left in Handling.
                            EndHandling(handled);
                        }

                        return;
                    }
                }
                else if (Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting)
                {
                    _source.SetResult(true);
                    return;
                }
            }
            else if (state != Idle || Interlocked.CompareExchange(ref _state, Ready, Idle) == Idle)
            {
                return;
            }
        }
    }

    /// <summary>The socket is closing: the wait under way, and every later one, fail as a closed socket's receive does.</summary>
    public void Close() => End(Closed, new SocketException((int)SocketError.OperationAborted));

    /// <summary>The wait under way, and every later one, end with <see cref="OperationCanceledException"/>.</summary>
    public void Cancel() => End(Canceled, new OperationCanceledException());

    void IValueTaskSource.GetResult(short token) => _source.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _source.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _source.OnCompleted(continuation, state, token, flags);

    // After the handler: wait on if it dealt with the event, else wake the waiter. A close or cancel that came meanwhile
    // (state no longer Handling) wakes it with its error, unless the handler left it something to do first: it then
    // meets the error at its next wait.
    private void EndHandling(bool handled)
    {
        if (Interlocked.CompareExchange(ref _state, handled ? Waiting : Idle, Handling) == Handling)
        {
            if (!handled)
            {
                _source.SetResult(true);
            }

            return;
        }

        if (handled)
        {
            _source.SetException(Volatile.Read(ref _state) == Canceled ? new OperationCanceledException() : new SocketException((int)SocketError.OperationAborted));
        }
        else
        {
            _source.SetResult(true);
        }
    }

    private void End(int final, Exception error)
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if (state is Closed or Canceled && final == Canceled)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _state, final, state) == state)
            {
                if (state == Waiting)
                {
                    _source.SetException(error);
                }

                return;
            }
        }
    }
}
