using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Vaurien.Protocols.Framing;

/// <summary>
/// Reads whole frames (a protocol's requests or responses, as its parser cuts them) from one side of a connection. A frame is framed in place in the pipe when it fits;
/// one that outgrows a read buffer is gathered in a buffer of its own, because the host's pipe stops reading once
/// it holds a few unconsumed buffers and a large frame would otherwise never complete.
/// </summary>
/// <param name="input">The side to read.</param>
/// <param name="parse">The protocol's parser.</param>
/// <param name="maxFrame">The protocol's limit; what the parser enforces, and what gathering never exceeds.</param>
/// <param name="spill">Past this many bytes waiting in the pipe, an incomplete frame is gathered here (the buffer option).</param>
/// <param name="connection">Where an invalid frame is reported (<see cref="ProtocolConnection.ReportClose"/>); null for none.</param>
/// <param name="peer">Who sends on <paramref name="input"/>, for that report: "client" or "backend".</param>
internal sealed class FrameStream<TFrame>(PipeReader input, FrameParser<TFrame> parse, int maxFrame, int spill, ProtocolConnection? connection = null, string peer = "peer")
    where TFrame : struct, IFrame
{
    private byte[] _owned = [];
    private int _ownedStart;
    private int _ownedEnd;
    private bool _ended;
    private bool _holdsPipe;
    private SequencePosition _pipeFrameEnd;
    private long _frameLength;

    // A read of the pipe kept across frames: the frames a read holds are cut one after the other without going back to
    // the pipe (each AdvanceTo and read takes the reader's lock, which the receive loop contends for).
    private bool _reading;
    private ReadOnlySequence<byte> _held;
    private bool _heldCompleted;

    /// <summary>What <see cref="NextAsync"/> found.</summary>
    public enum Result
    {
        /// <summary>A frame: use it, then <see cref="Consume"/>.</summary>
        Frame,

        /// <summary>Nothing complete is buffered and the caller asked not to wait.</summary>
        WouldWait,

        /// <summary>The peer ended its stream; <see cref="Leftover"/> holds any partial frame.</summary>
        End,

        /// <summary>Not the protocol, or too large: close.</summary>
        Invalid,

        /// <summary>The read was cancelled: the connection is closing.</summary>
        Canceled,
    }

    /// <summary>Bytes read but not framed: a partial frame at the end of the stream.</summary>
    public ReadOnlyMemory<byte> Leftover => _owned.AsMemory(_ownedStart, _ownedEnd - _ownedStart);

    /// <summary>Frames the next frame; with <paramref name="wait"/> false, only from what is already buffered.</summary>
    public ValueTask<(Result Result, TFrame Frame, ReadOnlySequence<byte> Data)> NextAsync(bool wait)
    {
        if (TryNextBuffered(out var frame, out var data))
        {
            return new((Result.Frame, frame, data));
        }

        // Asked not to wait with nothing held (a request's command read whole, the protocol checking for the next):
        // the pipe is asked without an asynchronous call.
        if (!wait && NeedsData)
        {
            if (!input.TryRead(out var read))
            {
                return new((Result.WouldWait, default, default));
            }

            if (!Hold(read))
            {
                return new((Result.Canceled, default, default));
            }

            if (TryNextBuffered(out frame, out data))
            {
                return new((Result.Frame, frame, data));
            }
        }

        return ReadNextAsync(wait);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(Result Result, TFrame Frame, ReadOnlySequence<byte> Data)> ReadNextAsync(bool wait)
    {
        while (true)
        {
            if (_ownedEnd > _ownedStart)
            {
                var gathered = new ReadOnlySequence<byte>(_owned, _ownedStart, _ownedEnd - _ownedStart);
                var frame = parse(gathered, maxFrame);
                if (frame.Status == FrameStatus.Complete)
                {
                    _frameLength = frame.Length;
                    return (Result.Frame, frame, gathered.Slice(0, frame.Length));
                }

                if (frame.Status == FrameStatus.Invalid)
                {
                    ReportInvalid();
                    return (Result.Invalid, frame, default);
                }

                if (_ended)
                {
                    return (Result.End, frame, default);
                }

                if (Read(wait) is not { } more)
                {
                    return (Result.WouldWait, frame, default);
                }

                var read = await more;

                if (read.IsCanceled)
                {
                    return (Result.Canceled, frame, default);
                }

                Gather(read.Buffer);
                input.AdvanceTo(read.Buffer.End);
                _ended = read.IsCompleted;
                continue;
            }

            if (_ended)
            {
                return (Result.End, default, default);
            }

            if (!_reading)
            {
                if (Read(wait) is not { } next)
                {
                    return (Result.WouldWait, default, default);
                }

                if (!Hold(await next))
                {
                    return (Result.Canceled, default, default);
                }
            }

            var buffer = _held;
            if (FrameHeld(out var found, out var framed))
            {
                return (Result.Frame, found, framed);
            }

            _reading = false;
            if (found.Status == FrameStatus.Invalid)
            {
                input.AdvanceTo(buffer.Start);
                ReportInvalid();
                return (Result.Invalid, found, default);
            }

            if (_heldCompleted || buffer.Length >= spill)
            {
                // Too large to wait for in the pipe, or the last bytes there will ever be: gather them here.
                Gather(buffer);
                input.AdvanceTo(buffer.End);
                _ended = _heldCompleted;
                continue;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (!wait)
            {
                return (Result.WouldWait, found, default);
            }
        }
    }

    /// <summary>True when nothing is buffered: the next frame first needs bytes from the peer.</summary>
    public bool NeedsData => !_reading && _ownedEnd == _ownedStart && !_ended;

    /// <summary>
    /// Waits for the peer's next bytes; give the result to <see cref="Hold"/>. Awaited by a protocol's own loop, so that a
    /// connection idle between requests holds no state machine of the stream's (about 280 bytes).
    /// </summary>
    public ValueTask<ReadResult> WaitForDataAsync() => input.ReadAsync();

    /// <summary>Keeps a read of <see cref="WaitForDataAsync"/> for the next frames; false if it was cancelled (closing).</summary>
    public bool Hold(ReadResult read)
    {
        if (read.IsCanceled)
        {
            return false;
        }

        _reading = true;
        _held = read.Buffer;
        _heldCompleted = read.IsCompleted;
        return true;
    }

    /// <summary>
    /// Frames the next frame if it is complete in the read already held, without going back to the pipe: the frames of
    /// a pipeline after the first, with no asynchronous call each. False means "ask <see cref="NextAsync"/>", which
    /// handles everything else (waiting, gathering, the end, invalid bytes). A parser must give the same answer when
    /// asked twice about an incomplete frame (<see cref="NextAsync"/> already asks again after every read).
    /// </summary>
    public bool TryNextBuffered(out TFrame frame, out ReadOnlySequence<byte> data)
    {
        if (_reading && _ownedEnd == _ownedStart)
        {
            return FrameHeld(out frame, out data);
        }

        frame = default;
        data = default;
        return false;
    }

    /// <summary>Drops the frame <see cref="NextAsync"/> returned; its data is no longer valid.</summary>
    public void Consume()
    {
        if (_holdsPipe)
        {
            _holdsPipe = false;
            _held = _held.Slice(_pipeFrameEnd);
            if (_held.IsEmpty)
            {
                // The read is used up: the next frame needs a new one.
                _reading = false;
                input.AdvanceTo(_pipeFrameEnd);
            }

            return;
        }

        _ownedStart += (int)_frameLength;
        if (_ownedStart == _ownedEnd)
        {
            // The gathered frame is gone: let its buffer go with it rather than keep up to max_frame per connection.
            _owned = [];
            _ownedStart = 0;
            _ownedEnd = 0;
        }
    }

    /// <summary>Moves what is gathered to <paramref name="output"/>, for a connection that no longer frames.</summary>
    public void WriteLeftover(PipeWriter output)
    {
        // What is left of a read stays in the pipe, for whoever reads it next (a relay that no longer frames).
        if (_reading)
        {
            _reading = false;
            input.AdvanceTo(_held.Start);
        }

        output.Write(Leftover.Span);
        _owned = [];
        _ownedStart = 0;
        _ownedEnd = 0;
    }

    // Frames the next frame in the held read, in place; frame tells why not when it is not complete.
    private bool FrameHeld(out TFrame frame, out ReadOnlySequence<byte> data)
    {
        frame = parse(_held, maxFrame);
        if (frame.Status != FrameStatus.Complete)
        {
            data = default;
            return false;
        }

        _holdsPipe = true;
        _pipeFrameEnd = _held.GetPosition(frame.Length);
        data = _held.Slice(0, _pipeFrameEnd);
        return true;
    }

    private void ReportInvalid() =>
        connection?.ReportClose($"the {peer} sent bytes that are not this protocol, or a frame over the {maxFrame}-byte limit; closing the connection");

    // The read to await, or null when the caller would not wait and nothing is buffered. Not async: an idle connection
    // waits in NextAsync without a third state machine (224 bytes each).
    private ValueTask<ReadResult>? Read(bool wait) =>
        wait ? input.ReadAsync() : input.TryRead(out var result) ? new ValueTask<ReadResult>(result) : null;

    private void Gather(ReadOnlySequence<byte> buffer)
    {
        // Grows with the bytes actually received, never with a length announced on the wire.
        var needed = (long)(_ownedEnd - _ownedStart) + buffer.Length;
        if (needed > _owned.Length - _ownedStart)
        {
            var size = Math.Max(needed, Math.Min((long)_owned.Length * 2, (long)maxFrame + spill));
            var grown = new byte[size];
            _owned.AsSpan(_ownedStart, _ownedEnd - _ownedStart).CopyTo(grown);
            _ownedEnd -= _ownedStart;
            _ownedStart = 0;
            _owned = grown;
        }

        buffer.CopyTo(_owned.AsSpan(_ownedEnd));
        _ownedEnd += (int)buffer.Length;
    }
}
