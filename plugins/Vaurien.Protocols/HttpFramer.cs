using System.Buffers;
using Vaurien.Protocols.Framing;

namespace Vaurien.Protocols;

/// <summary>
/// Cuts one direction of an HTTP/1.x connection into frames: a whole head (start line and headers), then the pieces
/// of its body as they arrive: the bytes of a Content-Length body, a chunk's size line, data and CRLF, the trailers,
/// or anything until close. A body is never gathered: each piece is what is buffered, so a body can be any size.
/// </summary>
/// <remarks>
/// One per direction per connection: the parser keeps where it is in a message. It moves on only when it answers
/// <see cref="FrameStatus.Complete"/> (each such frame is then relayed), and the caller says how the body after a
/// head is delimited with <see cref="Expect"/>, since a response's body depends on its request.
/// </remarks>
internal sealed class HttpFramer(int maxHeader, bool requests)
{
    // A chunk-size line (size and extensions) longer than this is not one worth waiting for.
    private const int MaxChunkLine = 4096;

    // 15 hex digits always fit a long.
    private const int MaxChunkSizeDigits = 15;

    private Mode _mode;
    private long _remaining;

    /// <summary>How a message's body is delimited.</summary>
    public enum Body
    {
        /// <summary>No body: the head is the whole message.</summary>
        None,

        /// <summary>Content-Length bytes.</summary>
        Length,

        /// <summary>Transfer-Encoding: chunked, trailers included.</summary>
        Chunked,

        /// <summary>Everything until the backend closes (a response only).</summary>
        UntilClose,

        /// <summary>101 Switching Protocols or a 2xx to CONNECT: the rest of the connection is not HTTP.</summary>
        Tunnel,
    }

    private enum Mode
    {
        Head,
        Length,
        ChunkSize,
        ChunkData,
        ChunkEnd,
        Trailers,
        UntilClose,
    }

    /// <summary>The body runs until the end of the stream, which then ends it cleanly.</summary>
    public bool UntilClose => _mode == Mode.UntilClose;

    /// <summary>Says how the body after the head just framed is delimited; with no body the next frame is a head.</summary>
    public void Expect(Body body, long contentLength)
    {
        _remaining = contentLength;
        _mode = body switch
        {
            Body.Length when contentLength > 0 => Mode.Length,
            Body.Chunked => Mode.ChunkSize,
            Body.UntilClose => Mode.UntilClose,
            _ => Mode.Head,
        };
    }

    /// <summary>Frames the next head or body piece at the start of <paramref name="buffer"/>.</summary>
    public Frame Parse(ReadOnlySequence<byte> buffer) => _mode switch
    {
        Mode.Head => ParseHead(buffer),
        Mode.Length => Piece(buffer, Mode.Head, last: true),
        Mode.ChunkData => Piece(buffer, Mode.ChunkEnd, last: false),
        Mode.ChunkSize => ParseChunkSize(buffer),
        Mode.ChunkEnd => ParseChunkEnd(buffer),
        Mode.Trailers => ParseTrailers(buffer),
        _ => buffer.IsEmpty ? Frame.Incomplete : new Frame(FrameStatus.Complete, buffer.Length, false, default),
    };

    private Frame ParseHead(ReadOnlySequence<byte> buffer)
    {
        if (!TryFindBlankLine(buffer, out var end))
        {
            return buffer.Length >= maxHeader ? Frame.Invalid : Frame.Incomplete;
        }

        var head = buffer.Slice(0, end);
        HttpHead parsed;
        if (head.IsSingleSegment)
        {
            if (!HttpHead.TryParse(head.FirstSpan, requests, out parsed))
            {
                return Frame.Invalid;
            }
        }
        else
        {
            // A head across pipe segments is parsed from one copy: at most max_header bytes, from the pool.
            var copy = ArrayPool<byte>.Shared.Rent((int)end);
            try
            {
                head.CopyTo(copy);
                if (!HttpHead.TryParse(copy.AsSpan(0, (int)end), requests, out parsed))
                {
                    return Frame.Invalid;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(copy);
            }
        }

        return new Frame(FrameStatus.Complete, end, false, parsed);
    }

    // Up to what is left of the body (or chunk), as much as is buffered: one piece relayed as it came.
    private Frame Piece(ReadOnlySequence<byte> buffer, Mode then, bool last)
    {
        if (buffer.IsEmpty)
        {
            return Frame.Incomplete;
        }

        var length = Math.Min(_remaining, buffer.Length);
        _remaining -= length;
        if (_remaining == 0)
        {
            _mode = then;
            return new Frame(FrameStatus.Complete, length, last, default);
        }

        return new Frame(FrameStatus.Complete, length, false, default);
    }

    private Frame ParseChunkSize(ReadOnlySequence<byte> buffer)
    {
        var window = buffer.Length > MaxChunkLine ? buffer.Slice(0, MaxChunkLine) : buffer;
        var newline = window.PositionOf((byte)'\n');
        if (newline is not { } position)
        {
            return window.Length >= MaxChunkLine ? Frame.Invalid : Frame.Incomplete;
        }

        var line = window.Slice(0, position);
        var reader = new SequenceReader<byte>(line);
        long size = 0;
        var digits = 0;
        while (reader.TryPeek(out var digit) && HexValue(digit) >= 0)
        {
            if (++digits > MaxChunkSizeDigits)
            {
                return Frame.Invalid;
            }

            size = (size << 4) | (long)HexValue(digit);
            reader.Advance(1);
        }

        // After the size: optional blanks and ";name=value" extensions, which pass as they are; then CRLF.
        if (digits == 0 || !reader.TryPeek(out var next) || next is not ((byte)';' or (byte)' ' or (byte)'\t' or (byte)'\r')
            || (next == (byte)'\r' && reader.Remaining != 1) || line.Slice(line.Length - 1).FirstSpan[0] != (byte)'\r')
        {
            return Frame.Invalid;
        }

        _remaining = size;
        _mode = size == 0 ? Mode.Trailers : Mode.ChunkData;
        return new Frame(FrameStatus.Complete, line.Length + 1, false, default);
    }

    private Frame ParseChunkEnd(ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < 2)
        {
            return buffer.IsEmpty || buffer.FirstSpan[0] == (byte)'\r' ? Frame.Incomplete : Frame.Invalid;
        }

        Span<byte> end = stackalloc byte[2];
        buffer.Slice(0, 2).CopyTo(end);
        if (!end.SequenceEqual("\r\n"u8))
        {
            return Frame.Invalid;
        }

        _mode = Mode.ChunkSize;
        return new Frame(FrameStatus.Complete, 2, false, default);
    }

    private Frame ParseTrailers(ReadOnlySequence<byte> buffer)
    {
        // No trailers: the blank line alone; otherwise header lines up to a blank line, capped like a head.
        if (buffer.Length < 2)
        {
            return buffer.IsEmpty || buffer.FirstSpan[0] == (byte)'\r' ? Frame.Incomplete : ParseTrailerFields(buffer);
        }

        Span<byte> start = stackalloc byte[2];
        buffer.Slice(0, 2).CopyTo(start);
        if (start.SequenceEqual("\r\n"u8))
        {
            _mode = Mode.Head;
            return new Frame(FrameStatus.Complete, 2, true, default);
        }

        return ParseTrailerFields(buffer);
    }

    private Frame ParseTrailerFields(ReadOnlySequence<byte> buffer)
    {
        if (!TryFindBlankLine(buffer, out var end))
        {
            return buffer.Length >= maxHeader ? Frame.Invalid : Frame.Incomplete;
        }

        _mode = Mode.Head;
        return new Frame(FrameStatus.Complete, end, true, default);
    }

    // Finds the end of a head (after its CRLFCRLF) within the first max_header bytes.
    private bool TryFindBlankLine(ReadOnlySequence<byte> buffer, out long end)
    {
        var window = buffer.Length > maxHeader ? buffer.Slice(0, maxHeader) : buffer;
        if (window.IsSingleSegment)
        {
            // The usual case (a head within one read): a vectorized search of the span.
            var found = window.FirstSpan.IndexOf("\r\n\r\n"u8);
            end = found < 0 ? 0 : found + 4;
            return found >= 0;
        }

        var reader = new SequenceReader<byte>(window);
        if (reader.TryReadTo(out ReadOnlySequence<byte> _, "\r\n\r\n"u8, advancePastDelimiter: true))
        {
            end = reader.Consumed;
            return true;
        }

        end = 0;
        return false;
    }

    private static int HexValue(byte digit) => digit switch
    {
        >= (byte)'0' and <= (byte)'9' => digit - '0',
        >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
        _ => -1,
    };

    /// <summary>One framed head or body piece.</summary>
    /// <param name="Status">Whether the frame is complete.</param>
    /// <param name="Length">Its length in bytes, when complete.</param>
    /// <param name="Last">The piece ends its message's body.</param>
    /// <param name="Head">The parsed head, when the frame is one.</param>
    public readonly record struct Frame(FrameStatus Status, long Length, bool Last, HttpHead Head) : IFrame
    {
        public static Frame Incomplete => new(FrameStatus.Incomplete, 0, false, default);

        public static Frame Invalid => new(FrameStatus.Invalid, 0, false, default);
    }
}
