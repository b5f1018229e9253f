using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Vaurien.Protocols.Framing;

namespace Vaurien.Protocols;

/// <summary>
/// Cuts SMTP into frames: a client command line, a server reply (every line of a multi-line one), a piece of a
/// DATA body (the last one ends with CRLF.CRLF) and a piece of a BDAT chunk. Bodies and chunks are never gathered:
/// each piece is what the buffer holds, so they stream; BDAT's size is only counted down, never allocated.
/// </summary>
internal static class SmtpFramer
{
    // Longer than any SMTP verb: a longer first word is not a command worth a string.
    private const int MaxNameLength = 16;

    // "BDAT " + a 20-digit size + " LAST\r": a longer BDAT line is not one the framer can trust.
    private const int MaxBdatLine = 48;

    private static readonly string[] Known =
    [
        "EHLO", "HELO", "LHLO", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "NOOP", "QUIT", "VRFY", "EXPN", "HELP", "AUTH",
        "STARTTLS", "ETRN", "ATRN", "TURN",
    ];

    /// <summary>What a command means for the framing of what follows it.</summary>
    public enum Verb
    {
        /// <summary>One line, one reply.</summary>
        Other,

        /// <summary>DATA: a 354 reply is followed by the body and its own final reply.</summary>
        Data,

        /// <summary>BDAT size [LAST]: the size's bytes follow the line, then the reply.</summary>
        Bdat,

        /// <summary>AUTH: 334 replies are answered by client lines until the final reply.</summary>
        Auth,

        /// <summary>STARTTLS: after a 220 the rest is TLS, relayed unframed.</summary>
        StartTls,

        /// <summary>QUIT: after a 221 the server closes.</summary>
        Quit,

        /// <summary>RSET, MAIL, HELO, EHLO: a mail transaction (and any BDAT chunks) starts over.</summary>
        Reset,
    }

    /// <summary>Frames the first command line of <paramref name="buffer"/> (AUTH's client answers are lines too).</summary>
    public static Frame ReadCommand(ReadOnlySequence<byte> buffer, int maxLine)
    {
        if (buffer.PositionOf((byte)'\n') is not { } end)
        {
            return Incomplete(buffer, maxLine);
        }

        var line = buffer.Slice(0, end);
        if (line.Length >= maxLine)
        {
            return Frame.Invalid;
        }

        var name = Name(line);
        var verb = name switch
        {
            "DATA" => Verb.Data,
            "BDAT" => Verb.Bdat,
            "AUTH" => Verb.Auth,
            "STARTTLS" => Verb.StartTls,
            "QUIT" => Verb.Quit,
            "RSET" or "MAIL" or "HELO" or "EHLO" or "LHLO" => Verb.Reset,
            _ => Verb.Other,
        };
        long size = 0;
        var last = false;
        if (verb == Verb.Bdat && !TryReadBdat(line, out size, out last))
        {
            // A BDAT the server cannot read either: it answers 501 and takes what follows as commands.
            verb = Verb.Other;
        }

        return new Frame(FrameStatus.Complete, line.Length + 1, name, verb, size, last, 0, default);
    }

    /// <summary>Frames the first reply of <paramref name="buffer"/>: lines "ddd-text" up to the line "ddd text".</summary>
    public static Frame ReadReply(ReadOnlySequence<byte> buffer, int maxLine)
    {
        var reader = new SequenceReader<byte>(buffer);
        var code = -1;
        Span<byte> head = stackalloc byte[4];
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                return Incomplete(buffer, maxLine);
            }

            if (reader.Consumed > maxLine || line.Length < 3)
            {
                return Frame.Invalid;
            }

            var used = (int)Math.Min(line.Length, head.Length);
            line.Slice(0, used).CopyTo(head);
            if (!Utf8Parser.TryParse(head[..3], out int lineCode, out var digits) || digits != 3 || lineCode < 100)
            {
                return Frame.Invalid;
            }

            code = code < 0 ? lineCode : code;
            var separator = used == 4 ? head[3] : (byte)' ';
            if (separator == (byte)'-')
            {
                continue;
            }

            return separator is (byte)' ' or (byte)'\r'
                ? new Frame(FrameStatus.Complete, reader.Consumed, null, Verb.Other, 0, false, code, default)
                : Frame.Invalid;
        }
    }

    /// <summary>
    /// Frames the next piece of a DATA body: all of <paramref name="buffer"/>, or up to and including the line "."
    /// that ends the body (<see cref="Frame.Last"/>). <see cref="Frame.Body"/> carries the scan on to the next piece.
    /// </summary>
    public static Frame ReadBody(ReadOnlySequence<byte> buffer, BodyState state)
    {
        if (buffer.IsEmpty)
        {
            return Frame.Incomplete;
        }

        long offset = 0;
        foreach (var memory in buffer)
        {
            var span = memory.Span;
            var position = 0;
            while (position < span.Length)
            {
                var lineFeed = span[position..].IndexOf((byte)'\n');
                if (lineFeed < 0)
                {
                    state = state.Take(span[position..]);
                    break;
                }

                state = state.Take(span.Slice(position, lineFeed));
                position += lineFeed + 1;
                if (state.EndsBody)
                {
                    return new Frame(FrameStatus.Complete, offset + position, null, Verb.Data, 0, true, 0, BodyState.Start);
                }

                state = state.NextLine();
            }

            offset += span.Length;
        }

        return new Frame(FrameStatus.Complete, buffer.Length, null, Verb.Data, 0, false, 0, state);
    }

    /// <summary>Frames the next piece of a BDAT chunk of which <paramref name="remaining"/> bytes are still to come.</summary>
    public static Frame ReadChunk(ReadOnlySequence<byte> buffer, long remaining) =>
        buffer.IsEmpty || remaining <= 0
            ? Frame.Incomplete
            : new Frame(FrameStatus.Complete, Math.Min(remaining, buffer.Length), null, Verb.Bdat, 0, false, 0, default);

    private static Frame Incomplete(ReadOnlySequence<byte> buffer, int maxLine) =>
        buffer.Length >= maxLine ? Frame.Invalid : Frame.Incomplete;

    // The first word, upper-case: a shared string for the known verbs, so the usual commands allocate nothing.
    private static string? Name(ReadOnlySequence<byte> line)
    {
        Span<byte> start = stackalloc byte[MaxNameLength + 1];
        var used = (int)Math.Min(line.Length, start.Length);
        line.Slice(0, used).CopyTo(start);
        var word = start[..used];
        var end = word.IndexOfAny((byte)' ', (byte)'\r');
        word = end < 0 ? word : word[..end];
        if (word.IsEmpty || word.Length > MaxNameLength || !Ascii.IsValid(word))
        {
            return null;
        }

        foreach (var known in Known)
        {
            if (Ascii.EqualsIgnoreCase(word, known))
            {
                return known;
            }
        }

        return word.ContainsAnyExceptInRange((byte)'A', (byte)'z') ? null : Encoding.ASCII.GetString(word).ToUpperInvariant();
    }

    // "BDAT" SP chunk-size [SP "LAST"] (RFC 3030), the size only read, never trusted for an allocation.
    private static bool TryReadBdat(ReadOnlySequence<byte> line, out long size, out bool last)
    {
        size = 0;
        last = false;
        if (line.Length > MaxBdatLine)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[MaxBdatLine];
        line.CopyTo(bytes);
        var text = bytes[..(int)line.Length];
        text = text.EndsWith((byte)'\r') ? text[..^1] : text;
        if (text.Length < 6 || text[4] != (byte)' ' || !Utf8Parser.TryParse(text[5..], out size, out var digits) || size < 0)
        {
            return false;
        }

        var rest = text[(5 + digits)..];
        last = Ascii.EqualsIgnoreCase(rest, " LAST"u8);
        return last || rest.IsEmpty;
    }

    /// <summary>
    /// Where a DATA body's scan stands at the end of a piece: the body ends at a line that is exactly ".\r" before
    /// its LF and starts after a CRLF, as the server reads it (a bare LF ends no line there).
    /// </summary>
    /// <param name="AfterCrlf">The current line started right after a CRLF (or at the start of the body).</param>
    /// <param name="Prefix">The current line so far: 0 empty, 1 ".", 2 ".\r", 3 anything else.</param>
    /// <param name="LastCr">The current line's last byte so far is a CR.</param>
    public readonly record struct BodyState(bool AfterCrlf, byte Prefix, bool LastCr)
    {
        /// <summary>At the start of a body: right after the DATA command's CRLF.</summary>
        public static BodyState Start => new(true, 0, false);

        /// <summary>The line just ended (at its LF) was the body's end.</summary>
        public bool EndsBody => AfterCrlf && Prefix == 2;

        /// <summary>More of the current line, without its LF.</summary>
        public BodyState Take(ReadOnlySpan<byte> bytes)
        {
            if (bytes.IsEmpty)
            {
                return this;
            }

            // Only a line's first bytes can make it ".\r": the scan stops at the first that cannot.
            var prefix = Prefix;
            for (var i = 0; i < bytes.Length && prefix != 3; i++)
            {
                prefix = (prefix, bytes[i]) switch
                {
                    (0, (byte)'.') => 1,
                    (1, (byte)'\r') => 2,
                    _ => 3,
                };
            }

            return new BodyState(AfterCrlf, prefix, bytes[^1] == (byte)'\r');
        }

        /// <summary>The state at the start of the line after an LF.</summary>
        public BodyState NextLine() => new(LastCr, 0, false);
    }

    /// <summary>One framed command line, reply, or piece of a body or chunk.</summary>
    /// <param name="Status">Whether the frame is complete.</param>
    /// <param name="Length">Its length in bytes, when complete.</param>
    /// <param name="Name">A command's verb, upper-case, when it has one.</param>
    /// <param name="Verb">What the command means for what follows it.</param>
    /// <param name="Size">BDAT's chunk size.</param>
    /// <param name="Last">BDAT's LAST; for a body piece, that it ends the body.</param>
    /// <param name="Code">A reply's code (from its first line).</param>
    /// <param name="Body">For a body piece, where the scan stands after it.</param>
    public readonly record struct Frame(FrameStatus Status, long Length, string? Name, Verb Verb, long Size, bool Last, int Code, BodyState Body) : IFrame
    {
        public static Frame Incomplete => new(FrameStatus.Incomplete, 0, null, Verb.Other, 0, false, 0, default);

        public static Frame Invalid => new(FrameStatus.Invalid, 0, null, Verb.Other, 0, false, 0, default);
    }
}
