using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace Vaurien.Host.Proxy;

/// <summary>
/// The receive side of a <see cref="SocketTransport"/>: the receive loop writes into pooled segments and the protocol
/// reads them as a <see cref="PipeReader"/>, with no <see cref="Pipe"/> in between (as <see cref="SocketOutput"/> is a
/// writer with none). One writer (the receive loop) and one reader (the protocol).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A pipe costs an idle connection ~500 bytes per socket (the pipe, its reader and writer, its segment stack and
/// the segment it keeps); this holds only its fields, and gives every segment back once all is read.</item>
/// <item>A pipe's reading rules: a read waits until bytes arrive that were not examined, the end, or a cancellation;
/// <see cref="AdvanceTo(SequencePosition, SequencePosition)"/> frees what was consumed.</item>
/// <item>Backpressure: a flush that leaves the pause threshold unread waits until the reader brings it down to the
/// resume threshold, completes, or the flush is cancelled.</item>
/// <item>Continuations run inline, as with <see cref="PipeScheduler.Inline"/>: the wake-ups are called outside the gate.</item>
/// </list>
/// </remarks>
internal sealed class SocketInput : PipeReader, IValueTaskSource<ReadResult>, IValueTaskSource<FlushResult>
{
    private readonly MemoryPool<byte> _pool;
    private readonly int _segmentSize;
    private readonly int _pauseThreshold;
    private readonly int _resumeThreshold;
    private int _gate;

    private ManualResetValueTaskSourceCore<ReadResult> _read;
    private PendingFlush _flush;
    private CancellationTokenRegistration _readRegistration;
    private CancellationToken _readToken;

    // Under _gate. The list runs from _readHead (_readIndex is its first unread byte) to _writeTail; the reader sees
    // up to _commitTail/_commitIndex, what the writer flushed.
    private PooledSegment? _readHead;
    private PooledSegment? _commitTail;
    private PooledSegment? _writeTail;
    private int _readIndex;
    private int _commitIndex;
    private int _unconsumed;
    private bool _dataReady;
    private bool _readCanceled;
    private bool _reading;
    private bool _readerWaiting;
    private bool _writing;
    private bool _readerCompleted;
    private bool _writerCompleted;
    private Exception? _writerError;

    // The writer's own: written since its last flush.
    private int _uncommitted;

    public SocketInput(MemoryPool<byte> pool, int segmentSize, int pauseThreshold, int resumeThreshold)
    {
        _pool = pool;
        _segmentSize = segmentSize;
        _pauseThreshold = pauseThreshold;
        _resumeThreshold = resumeThreshold;
    }

    // ------------------------------------------------------------------ the writer's side (the receive loop)

    /// <summary>How much more the writer may flush before a flush waits; read without the gate, so only a hint.</summary>
    public int RoomBeforePause => _pauseThreshold - Volatile.Read(ref _unconsumed);

    /// <summary>Memory to receive into, at least <paramref name="sizeHint"/> bytes (and at least one).</summary>
    public Memory<byte> GetMemory(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        PooledSegment? fresh = null;
        while (true)
        {
            using (SpinGate.Enter(ref _gate))
            {
                var tail = _writeTail;
                if (fresh is null && tail is not null && tail.Free >= needed)
                {
                    _writing = true;
                    return tail.FreeMemory;
                }

                if (fresh is not null)
                {
                    if (tail is null)
                    {
                        // The reader gave everything back meanwhile (or nothing was there): a new list.
                        _readHead = _commitTail = fresh;
                        _readIndex = _commitIndex = 0;
                    }
                    else
                    {
                        tail.Append(fresh);
                    }

                    _writeTail = fresh;
                    _writing = true;
                    return fresh.FreeMemory;
                }
            }

            // Rented outside the gate; only the writer adds room, so the tail cannot have made room meanwhile.
            fresh = PooledSegment.Rent(_pool.Rent(Math.Max(needed, _segmentSize)));
        }
    }

    /// <summary>The writer wrote <paramref name="bytes"/> bytes into the memory of its last <see cref="GetMemory"/>.</summary>
    public void Advance(int bytes)
    {
        var tail = _writeTail ?? throw new InvalidOperationException("Advance without GetMemory.");
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, tail.Free);
        tail.Written += bytes;
        _uncommitted += bytes;
    }

    /// <summary>
    /// Hands what was written to the reader. Waits while the reader leaves more than the pause threshold unread;
    /// <see cref="FlushResult.IsCompleted"/> once the reader completed.
    /// </summary>
    public ValueTask<FlushResult> FlushAsync()
    {
        var wakeReader = false;
        ReadResult result = default;
        PooledSegment? discard = null;
        short version = 0;
        var wait = false;
        bool canceled;
        bool completed;
        using (SpinGate.Enter(ref _gate))
        {
            _writing = false;
            canceled = _flush.TakeCancellationLocked();
            completed = _readerCompleted;
            if (completed)
            {
                discard = TakeAllLocked();
                _uncommitted = 0;
            }
            else if (_uncommitted > 0)
            {
                CommitLocked();
                wakeReader = TryTakeWaitingReaderLocked(out result);
                wait = !canceled && _unconsumed >= _pauseThreshold;
                if (wait)
                {
                    version = _flush.WaitLocked();
                }
            }
            else
            {
                // Nothing written: the memory asked for is not held while idle.
                discard = TakeAllIfIdleLocked();
            }
        }

        PooledSegment.ReturnAll(discard);
        if (wakeReader)
        {
            _read.SetResult(result);
        }

        return wait ? new(this, version) : new(new FlushResult(canceled, completed));
    }

    /// <summary>
    /// What the writer wrote since its last flush, when that is all there is to read and the reader waits for it;
    /// otherwise empty. The memory stays the input's until <see cref="DropWritten"/> or the next flush.
    /// </summary>
    public Memory<byte> WrittenAlone()
    {
        using (SpinGate.Enter(ref _gate))
        {
            if (!_readerWaiting || _unconsumed != 0 || _readerCompleted || _writerCompleted || _uncommitted == 0 || _writeTail is not { } tail)
            {
                return default;
            }

            // One read goes into one segment (GetMemory gives the tail room for all it asks).
            return MemoryMarshal.AsMemory(tail.WrittenMemory[(tail.Written - _uncommitted)..]);
        }
    }

    /// <summary>The first <paramref name="count"/> bytes of <see cref="WrittenAlone"/> went on by other means: the reader never sees them.</summary>
    public void DropWritten(int count)
    {
        PooledSegment? discard = null;
        using (SpinGate.Enter(ref _gate))
        {
            var tail = _writeTail!;
            var start = tail.Written - _uncommitted;
            var rest = _uncommitted - count;
            if (rest > 0)
            {
                var written = MemoryMarshal.AsMemory(tail.WrittenMemory).Span;
                written.Slice(start + count, rest).CopyTo(written[start..]);
            }

            tail.Written -= count;
            _uncommitted = rest;
            if (rest == 0)
            {
                // As after a read that got nothing: an idle connection holds no buffer.
                _writing = false;
                discard = TakeAllIfIdleLocked();
            }
        }

        PooledSegment.ReturnAll(discard);
    }

    /// <summary>The writer received nothing into the memory it asked for: an idle connection must not hold it.</summary>
    public void ReturnUnused()
    {
        PooledSegment? discard = null;
        using (SpinGate.Enter(ref _gate))
        {
            _writing = false;
            discard = TakeAllIfIdleLocked();
        }

        PooledSegment.ReturnAll(discard);
    }

    /// <summary>Wakes a waiting <see cref="FlushAsync"/> (cancelled), or cancels the next one.</summary>
    public void CancelPendingFlush() => _flush.Cancel(ref _gate);

    /// <summary>The writer is done (the peer's FIN, or the receive loop ended): what it wrote is read, then the end.</summary>
    public void CompleteWriting(Exception? error = null)
    {
        var wakeReader = false;
        ReadResult result = default;
        PooledSegment? discard = null;
        using (SpinGate.Enter(ref _gate))
        {
            if (_writerCompleted)
            {
                return;
            }

            _writerCompleted = true;
            _writerError = error;
            _writing = false;
            if (_readerCompleted)
            {
                discard = TakeAllLocked();
            }
            else
            {
                if (_uncommitted > 0)
                {
                    CommitLocked();
                }

                _dataReady = true;
                if (error is null)
                {
                    wakeReader = TryTakeWaitingReaderLocked(out result);
                }
                else if (_readerWaiting)
                {
                    StopWaitingLocked();
                    wakeReader = true;
                }
            }
        }

        PooledSegment.ReturnAll(discard);
        if (!wakeReader)
        {
            return;
        }

        if (error is null)
        {
            _read.SetResult(result);
        }
        else
        {
            _read.SetException(error);
        }
    }

    // ------------------------------------------------------------------ the reader's side (the protocol)

    public override bool TryRead(out ReadResult result)
    {
        using (SpinGate.Enter(ref _gate))
        {
            ThrowIfCannotReadLocked();
            if (_unconsumed > 0 || _dataReady || _readCanceled || _writerCompleted)
            {
                result = ResultLocked();
                return true;
            }
        }

        result = default;
        return false;
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<ReadResult>(cancellationToken);
        }

        using (SpinGate.Enter(ref _gate))
        {
            ThrowIfCannotReadLocked();
            if (_dataReady || _readCanceled || _writerCompleted)
            {
                return new(ResultLocked());
            }

            _readerWaiting = true;
            _read.Reset();
            if (cancellationToken.CanBeCanceled)
            {
                // Safe under the gate: the callback never takes it on this thread (it queues the cancellation).
                _readToken = cancellationToken;
                _readRegistration = cancellationToken.UnsafeRegister(
                    static (state, token) => ThreadPool.UnsafeQueueUserWorkItem(static s => s.Input.CancelRead(s.Token), (Input: (SocketInput)state!, Token: token), preferLocal: false),
                    this);
            }

            return new(this, _read.Version);
        }
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        PooledSegment? discard;
        var wakeWriter = false;
        using (SpinGate.Enter(ref _gate))
        {
            if (!_reading)
            {
                throw new InvalidOperationException("No read to advance: AdvanceTo must follow a read.");
            }

            _reading = false;
            var start = StartLocked();
            var end = EndLocked();
            var consumedAt = Locate(consumed, start);
            var examinedAt = Locate(examined, consumedAt);
            if (consumedAt < start || consumedAt > end || examinedAt < consumedAt || examinedAt > end)
            {
                throw new ArgumentOutOfRangeException(nameof(consumed), "The position is not in the buffer of the last read.");
            }

            discard = ConsumeLocked(consumed, (int)(consumedAt - start));
            if (examinedAt == end && !_writerCompleted)
            {
                // Everything was looked at: the next read waits for more.
                _dataReady = false;
            }

            if (_flush.IsWaitingLocked && _unconsumed <= _resumeThreshold)
            {
                wakeWriter = _flush.StopWaitingLocked();
            }
        }

        PooledSegment.ReturnAll(discard);
        if (wakeWriter)
        {
            _flush.Wake(new FlushResult(isCanceled: false, isCompleted: false));
        }
    }

    public override void CancelPendingRead()
    {
        ReadResult result;
        using (SpinGate.Enter(ref _gate))
        {
            _readCanceled = true;
            if (!TryTakeWaitingReaderLocked(out result))
            {
                return;
            }
        }

        _read.SetResult(result);
    }

    public override void Complete(Exception? exception = null)
    {
        PooledSegment? discard = null;
        var wakeWriter = false;
        using (SpinGate.Enter(ref _gate))
        {
            if (_readerCompleted)
            {
                return;
            }

            _readerCompleted = true;
            _reading = false;
            _unconsumed = 0;

            // The writer may be receiving into the tail right now: then its next flush gives the segments back.
            if (!_writing)
            {
                discard = TakeAllLocked();
            }

            wakeWriter = _flush.StopWaitingLocked();
        }

        PooledSegment.ReturnAll(discard);
        if (wakeWriter)
        {
            _flush.Wake(new FlushResult(isCanceled: false, isCompleted: true));
        }
    }

    ReadResult IValueTaskSource<ReadResult>.GetResult(short token) => _read.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<ReadResult>.GetStatus(short token) => _read.GetStatus(token);

    void IValueTaskSource<ReadResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _read.OnCompleted(continuation, state, token, flags);

    FlushResult IValueTaskSource<FlushResult>.GetResult(short token) => _flush.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<FlushResult>.GetStatus(short token) => _flush.GetStatus(token);

    void IValueTaskSource<FlushResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _flush.OnCompleted(continuation, state, token, flags);

    // ------------------------------------------------------------------ under the gate

    private void ThrowIfCannotReadLocked()
    {
        if (_readerCompleted)
        {
            throw new InvalidOperationException("Reading is not allowed after the reader was completed.");
        }

        if (_reading || _readerWaiting)
        {
            throw new InvalidOperationException("A read is already in progress: advance it before reading again.");
        }

        if (_writerCompleted && _writerError is not null)
        {
            ExceptionDispatchInfo.Throw(_writerError);
        }
    }

    private ReadResult ResultLocked()
    {
        var buffer = _readHead is null ? default : new ReadOnlySequence<byte>(_readHead, _readIndex, _commitTail!, _commitIndex);
        var canceled = _readCanceled;
        _readCanceled = false;
        _reading = true;
        return new ReadResult(buffer, canceled, _writerCompleted);
    }

    private bool TryTakeWaitingReaderLocked(out ReadResult result)
    {
        if (!_readerWaiting)
        {
            result = default;
            return false;
        }

        StopWaitingLocked();
        result = ResultLocked();
        return true;
    }

    private void StopWaitingLocked()
    {
        _readerWaiting = false;

        // Unregister never waits; a callback already on its way finds no reader waiting on its token.
        _readRegistration.Unregister();
        _readRegistration = default;
        _readToken = default;
    }

    private void CommitLocked()
    {
        // Each segment written since the last flush shows the reader what it holds now.
        for (var segment = _commitTail!; ; segment = segment.NextSegment!)
        {
            segment.Commit();
            if (segment == _writeTail)
            {
                break;
            }
        }

        _commitTail = _writeTail;
        _commitIndex = _writeTail!.Written;
        _unconsumed += _uncommitted;
        _uncommitted = 0;
        _dataReady = true;
    }

    private long StartLocked() => _readHead is null ? 0 : _readHead.RunningIndex + _readIndex;

    private long EndLocked() => _commitTail is null ? 0 : _commitTail.RunningIndex + _commitIndex;

    // A position of a buffer this reader handed out, as an index in the whole stream; the empty buffer's default
    // position is wherever reading stands.
    private static long Locate(SequencePosition position, long fallback) =>
        position.GetObject() is PooledSegment segment ? segment.RunningIndex + position.GetInteger() : fallback;

    // Frees what was consumed; returns the segments no longer needed.
    private PooledSegment? ConsumeLocked(SequencePosition consumed, int bytes)
    {
        _unconsumed -= bytes;
        if (TakeAllIfIdleLocked() is { } all)
        {
            return all;
        }

        if (bytes == 0 || consumed.GetObject() is not PooledSegment at)
        {
            return null;
        }

        // A segment read to its end goes too, unless it is the last the reader sees (the writer may write on into it).
        var index = consumed.GetInteger();
        if (at != _commitTail && index == at.Memory.Length)
        {
            at = at.NextSegment!;
            index = 0;
        }

        PooledSegment? freed = null;
        if (at != _readHead)
        {
            freed = _readHead;
            var last = freed!;
            while (last.NextSegment != at)
            {
                last = last.NextSegment!;
            }

            last.Cut();
        }

        _readHead = at;
        _readIndex = index;
        return freed;
    }

    // Nothing unread, no read handed out, and the writer holds no memory (so it has nothing unflushed either): every
    // segment goes back, so an idle connection holds none.
    private PooledSegment? TakeAllIfIdleLocked() => _unconsumed == 0 && !_reading && !_writing ? TakeAllLocked() : null;

    private PooledSegment? TakeAllLocked()
    {
        var all = _readHead;
        _readHead = _commitTail = _writeTail = null;
        _readIndex = _commitIndex = 0;
        _unconsumed = 0;
        return all;
    }

    // ------------------------------------------------------------------ outside the gate

    private void CancelRead(CancellationToken token)
    {
        using (SpinGate.Enter(ref _gate))
        {
            if (!_readerWaiting || _readToken != token)
            {
                return;
            }

            StopWaitingLocked();
        }

        _read.SetException(new OperationCanceledException(token));
    }
}
