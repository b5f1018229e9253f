using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Vaurien.Host.Proxy;

/// <summary>
/// The send side of a <see cref="SocketTransport"/>: what the protocol writes is sent from the writer's own pooled
/// segments when it flushes, with no pipe and no send loop in between. An idle connection holds neither, and a flush
/// costs no hand-off to another loop.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A flush completes once the socket took every byte: a peer that does not read holds the writer (backpressure),
/// not a growing queue.</item>
/// <item><see cref="CancelPendingFlush"/> wakes the writer out of that wait while the send goes on (what was flushed
/// still goes out before the FIN, as with a pipe); with no flush waiting it cancels the next one, as a pipe does.</item>
/// <item>Three sets of segments never shared without the lock: the protocol's (being written), the queued ones
/// (flushed while a send was under way) and the sender's.</item>
/// </list>
/// </remarks>
internal sealed class SocketOutput : PipeWriter, IValueTaskSource<FlushResult>
{
    private readonly SocketTransport _transport;
    private readonly MemoryPool<byte> _pool;
    private readonly SocketSenderPool _senders;
    private readonly int _segmentSize;
    private int _gate;

    // The flush the protocol awaits while the socket is busy.
    private PendingFlush _flush;

    // Protocol's: written since the last flush.
    private PooledSegment? _writeHead;
    private PooledSegment? _writeTail;
    private long _unflushed;

    // Under _gate: flushed while a send was under way, sent next.
    private PooledSegment? _queueHead;
    private PooledSegment? _queueTail;

    // Sender's: what the send under way sends, from _sendOffset bytes into the head.
    private PooledSegment? _sendHead;
    private int _sendOffset;
    private ValueTask _send;
    private Action? _onSent;
    private Exception? _error;

    // Under _gate.
    private bool _sending;
    private bool _completed;
    private bool _stopping;
    private bool _ending;
    private TransportEnd _end;
    private TaskCompletionSource? _ended;

    public SocketOutput(SocketTransport transport, MemoryPool<byte> pool, SocketSenderPool senders, int segmentSize)
    {
        _transport = transport;
        _pool = pool;
        _senders = senders;
        _segmentSize = segmentSize;
    }

    /// <summary>Why sending ended; <see cref="TransportEnd.Running"/> until then.</summary>
    public TransportEnd End
    {
        get
        {
            using (SpinGate.Enter(ref _gate))
            {
                return _end;
            }
        }
    }

    /// <summary>Completes once sending ended: what was flushed went out (or failed, or was dropped) and the FIN followed.</summary>
    public Task Ended
    {
        get
        {
            using (SpinGate.Enter(ref _gate))
            {
                return _end != TransportEnd.Running ? Task.CompletedTask : (_ended ??= new()).Task;
            }
        }
    }

    /// <summary>Nothing written, queued or being sent, and still sending: a send made now goes out in order.</summary>
    /// <remarks>Whatever is queued or being sent is so only while <c>_sending</c>; the end only comes after <c>_ending</c>.</remarks>
    public bool IsIdle
    {
        get
        {
            using (SpinGate.Enter(ref _gate))
            {
                return _writeHead is null && !_sending && !_completed && !_stopping && !_ending;
            }
        }
    }

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _unflushed;

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        var tail = _writeTail;
        if (tail is null || tail.Free < Math.Max(sizeHint, 1))
        {
            tail = PooledSegment.Rent(_pool.Rent(Math.Max(sizeHint, _segmentSize)));
            if (_writeTail is null)
            {
                _writeHead = tail;
            }
            else
            {
                _writeTail.Link(tail);
            }

            _writeTail = tail;
        }

        return tail.FreeMemory;
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override void Advance(int bytes)
    {
        var tail = _writeTail ?? throw new InvalidOperationException("Advance without GetMemory.");
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, tail.Free);
        tail.Written += bytes;
        _unflushed += bytes;
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // What was written is the protocol's own until queued: taken outside the gate, and given back outside it too.
        var written = TakeWritten(out var writtenTail, out var count);
        PooledSegment? discard = null;
        var start = false;
        var canceled = false;
        var wait = false;
        short version = 0;
        var stopped = false;
        using (SpinGate.Enter(ref _gate))
        {
            canceled = _flush.TakeCancellationLocked();
            stopped = IsStoppedLocked();
            if (stopped || count == 0)
            {
                // Stopped: nothing more goes. Nothing written: segments asked for and never written (a write of
                // nothing still gets a span) are not held while idle.
                discard = written;
            }
            else
            {
                start = QueueLocked(written!, writtenTail!);
            }

            // Nothing to wait for; or cancelled, as a pipe's flush is: the data still goes, the writer does not wait.
            wait = !stopped && _sending && !canceled;
            if (wait)
            {
                version = _flush.WaitLocked();
            }
        }

        PooledSegment.ReturnAll(discard);
        if (stopped)
        {
            return new(new FlushResult(canceled, isCompleted: true));
        }

        // Outside the gate: the send takes it again when it ends.
        if (start)
        {
            StartSend();
        }

        if (!wait)
        {
            return new(new FlushResult(canceled, isCompleted: false));
        }

        // Completed already when the socket took everything at once (the usual case on a path that keeps up).
        return new(this, version);
    }

    public override void CancelPendingFlush() => _flush.Cancel(ref _gate);

    /// <summary>The protocol is done: what it wrote goes out, then the FIN (unless the transport keeps the socket open).</summary>
    public override void Complete(Exception? exception = null)
    {
        var written = TakeWritten(out var writtenTail, out var count);
        PooledSegment? discard = null;
        var start = false;
        var end = false;
        using (SpinGate.Enter(ref _gate))
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            if (count > 0 && !IsStoppedLocked())
            {
                start = QueueLocked(written!, writtenTail!);
            }
            else
            {
                discard = written;
                end = TryBeginEndLocked();
            }
        }

        PooledSegment.ReturnAll(discard);
        if (start)
        {
            StartSend();
        }
        else if (end)
        {
            Finish();
        }
    }

    /// <summary>Ends sending after the send under way and what was flushed behind it; the FIN follows.</summary>
    public void Stop()
    {
        bool end;
        using (SpinGate.Enter(ref _gate))
        {
            _stopping = true;
            end = TryBeginEndLocked();
        }

        if (end)
        {
            Finish();
        }
    }

    /// <summary>The transport drops from now on: nothing more is sent, not even a FIN; a waiting flush is woken.</summary>
    public void Drop()
    {
        var wake = false;
        bool end;
        using (SpinGate.Enter(ref _gate))
        {
            wake = _flush.StopWaitingLocked();
            end = TryBeginEndLocked();
        }

        if (end)
        {
            Finish();
        }

        if (wake)
        {
            _flush.Wake(new FlushResult(isCanceled: false, isCompleted: true));
        }
    }

    FlushResult IValueTaskSource<FlushResult>.GetResult(short token) => _flush.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<FlushResult>.GetStatus(short token) => _flush.GetStatus(token);

    void IValueTaskSource<FlushResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _flush.OnCompleted(continuation, state, token, flags);

    private bool IsStoppedLocked() => _end != TransportEnd.Running || _ending || _stopping || _error is not null || _transport.IsDropping;

    private PooledSegment? TakeWritten(out PooledSegment? tail, out long count)
    {
        var head = _writeHead;
        tail = _writeTail;
        count = _unflushed;
        _writeHead = _writeTail = null;
        _unflushed = 0;
        return head;
    }

    // Queues written segments behind what is already queued; true when the caller must start the send (none runs).
    private bool QueueLocked(PooledSegment head, PooledSegment tail)
    {
        if (_queueTail is null)
        {
            _queueHead = head;
        }
        else
        {
            _queueTail.Link(head);
        }

        _queueTail = tail;
        var start = !_sending;
        _sending = true;
        return start;
    }

    // Sends the queue, and what is queued behind it, until a send has to wait (its completion carries on) or nothing
    // is left. Only one caller at a time: whoever set _sending.
    private void StartSend()
    {
        while (true)
        {
            using (SpinGate.Enter(ref _gate))
            {
                _sendHead = _queueHead;
                _queueHead = _queueTail = null;
            }

            // The socket is non-blocking: what it takes at once goes without an operation object or a state machine
            // (the usual case on a path that keeps up); only a send that has to wait goes asynchronous.
            var send = TrySendNow() ? default : SendAsync();
            if (!send.IsCompleted)
            {
                _send = send;
                send.GetAwaiter().UnsafeOnCompleted(_onSent ??= OnSent);
                return;
            }

            send.GetAwaiter().GetResult();
            if (!AfterSend())
            {
                return;
            }
        }
    }

    private void OnSent()
    {
        var send = _send;
        _send = default;
        send.GetAwaiter().GetResult();
        if (AfterSend())
        {
            StartSend();
        }
    }

    // True when more was queued meanwhile and must go now; otherwise wakes the waiting flush and ends if it is time.
    private bool AfterSend()
    {
        var wake = false;
        var end = false;
        FlushResult result = default;
        PooledSegment? discard;
        using (SpinGate.Enter(ref _gate))
        {
            if (_queueHead is not null && _error is null && !_transport.IsDropping)
            {
                return true;
            }

            // Failed or dropping: what is still queued never goes.
            discard = _queueHead;
            _queueHead = _queueTail = null;
            _sending = false;
            if (_flush.StopWaitingLocked())
            {
                wake = true;
                result = new FlushResult(isCanceled: false, isCompleted: IsStoppedLocked());
            }

            end = TryBeginEndLocked();
        }

        PooledSegment.ReturnAll(discard);
        if (end)
        {
            Finish();
        }

        if (wake)
        {
            _flush.Wake(result);
        }

        return false;
    }

    // Sends from _sendHead what the socket takes without waiting, giving back each segment once sent. True when the
    // send is over (all sent, dropped, or failed); false when the socket is full and SendAsync must go on from there.
    private bool TrySendNow()
    {
        while (_sendHead is { } segment && !_transport.IsDropping)
        {
            if (_sendOffset < segment.Written)
            {
                int sent;
                SocketError status;
                try
                {
                    sent = _transport.SendNow(segment.WrittenMemory.Span[_sendOffset..], out status);
                }
                catch (Exception e) when (e is ObjectDisposedException or SocketException)
                {
                    // Closed under the send (the connection is ending): as the asynchronous send reports it.
                    _error = e;
                    break;
                }

                if (status == SocketError.WouldBlock)
                {
                    return false;
                }

                if (status != SocketError.Success)
                {
                    _error = new SocketException((int)status);
                    break;
                }

                _sendOffset += sent;
                if (_sendOffset < segment.Written)
                {
                    continue;
                }
            }

            _sendHead = segment.NextSegment;
            _sendOffset = 0;
            segment.Cut();
            PooledSegment.ReturnAll(segment);
        }

        EndSend();
        return true;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAsync()
    {
        if (_transport.Readiness is { } readiness)
        {
            // On the proxy's own engine: wait for room, then send what fits without blocking, as TrySendNow did until
            // it said would-block; an event comes only once room frees up after that. In this state machine (pooled),
            // not a nested one that a send waiting on a full socket would allocate each time.
            try
            {
                do
                {
                    await readiness.Writable.WaitAsync();
                }
                while (!TrySendNow());
            }
            catch (Exception e)
            {
                // Closed under the wait: the send fails as a closed socket's would.
                _error = e;
                EndSend();
            }

            return;
        }

        var sender = _senders.Rent();
        try
        {
            for (var segment = _sendHead; segment is not null && !_transport.IsDropping; segment = segment.NextSegment)
            {
                var remaining = segment.WrittenMemory[_sendOffset..];
                _sendOffset = 0;
                while (!remaining.IsEmpty)
                {
                    var sent = await sender.SendAsync(_transport.Socket, remaining);
                    remaining = remaining[sent..];
                }
            }
        }
        catch (Exception e)
        {
            _error = e;
        }
        finally
        {
            _senders.Return(sender);
            EndSend();
        }
    }

    private void EndSend()
    {
        if (_error is null && !_transport.IsDropping)
        {
            _transport.OnSent();
        }

        PooledSegment.ReturnAll(_sendHead);
        _sendHead = null;
        _sendOffset = 0;
    }

    private bool TryBeginEndLocked()
    {
        if (_sending || _ending || _end != TransportEnd.Running)
        {
            return false;
        }

        if (!_completed && !_stopping && _error is null && !_transport.IsDropping)
        {
            return false;
        }

        _ending = true;
        return true;
    }

    private void Finish()
    {
        var error = _error;
        var end = error is not null ? SocketErrors.Classify(error)
            : _transport.IsDropping ? TransportEnd.Dropped
            : _completed && !_stopping ? TransportEnd.Completed
            : TransportEnd.Stopped;
        if (error is null && end != TransportEnd.Dropped && !_transport.KeepsOpen)
        {
            try
            {
                // Half-close passed on: the peer reads EOF, and can still send the other way.
                _transport.Socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e)
            {
                end = SocketErrors.Classify(e);
                error = e;
            }
        }

        TaskCompletionSource? ended;
        using (SpinGate.Enter(ref _gate))
        {
            _end = end;
            ended = _ended;
        }

        if (error is not null)
        {
            _transport.OnSendFailed(end, error);
        }

        if (ended is not null)
        {
            // Not inline: what awaits it (the teardown) would run inside this send's stack.
            EpollEngine.Defer(static ended => ((TaskCompletionSource)ended!).TrySetResult(), ended);
        }
    }
}
