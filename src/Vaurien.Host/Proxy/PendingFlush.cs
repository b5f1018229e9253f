using System.IO.Pipelines;
using System.Threading.Tasks.Sources;

namespace Vaurien.Host.Proxy;

/// <summary>
/// A writer's flush that waits (on its reader, or on its socket), with a pipe's cancellation rule: <see cref="Cancel"/>
/// wakes a waiting flush, or with none waiting cancels the next one. Shared by <see cref="SocketInput"/> and
/// <see cref="SocketOutput"/>: a mutable struct kept in a field (never copied), guarded by its owner's gate.
/// </summary>
internal struct PendingFlush
{
    private ManualResetValueTaskSourceCore<FlushResult> _core;
    private bool _waiting;
    private bool _cancelNext;

    public readonly bool IsWaitingLocked => _waiting;

    /// <summary>Under the gate: whether this flush was cancelled before it began (that cancellation is used up).</summary>
    public bool TakeCancellationLocked()
    {
        var canceled = _cancelNext;
        _cancelNext = false;
        return canceled;
    }

    /// <summary>Under the gate: the flush waits; the version for its <see cref="ValueTask{TResult}"/>.</summary>
    public short WaitLocked()
    {
        _waiting = true;
        _core.Reset();
        return _core.Version;
    }

    /// <summary>Under the gate: true when a flush was waiting; the caller then <see cref="Wake"/>s it outside the gate.</summary>
    public bool StopWaitingLocked()
    {
        var waiting = _waiting;
        _waiting = false;
        return waiting;
    }

    /// <summary>Outside the gate: ends the wait with <paramref name="result"/>; the writer's continuation runs here.</summary>
    public void Wake(FlushResult result) => _core.SetResult(result);

    /// <summary>Takes the gate itself: wakes the waiting flush as cancelled, or cancels the next one.</summary>
    public void Cancel(ref int gate)
    {
        using (SpinGate.Enter(ref gate))
        {
            if (!_waiting)
            {
                _cancelNext = true;
                return;
            }

            _waiting = false;
        }

        _core.SetResult(new FlushResult(isCanceled: true, isCompleted: false));
    }

    public FlushResult GetResult(short token) => _core.GetResult(token);

    public readonly ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
