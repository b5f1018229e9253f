using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using Vaurien.Protocols.Framing;

namespace Vaurien.Protocols;

/// <summary>
/// Finds where the first RESP frame of a buffer ends: a client command (an array of bulk strings, or an inline
/// line) or a server reply of any RESP2/RESP3 type, nested. It never allocates from a length read on the wire:
/// every length is checked against the largest frame before it is trusted.
/// </summary>
internal static class RespFramer
{
    // Enough for any real command name; a longer first argument is not a name worth a long string.
    private const int MaxNameLength = 64;

    // The smallest RESP element ("_\r\n") bounds how many elements a frame of at most maxFrame bytes can hold.
    private const int SmallestElement = 3;

    /// <summary>Frames the first client command of <paramref name="buffer"/>.</summary>
    public static Frame ReadCommand(ReadOnlySequence<byte> buffer, int maxFrame)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryPeek(out var first))
        {
            return Incomplete(buffer, maxFrame);
        }

        if (first != (byte)'*')
        {
            // An inline command, as redis-cli's telnet users type it: one line, words split by blanks.
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                return Incomplete(buffer, maxFrame);
            }

            if (reader.Consumed > maxFrame)
            {
                return Frame.Invalid;
            }

            var name = InlineName(line);
            return new Frame(FrameStatus.Complete, reader.Consumed, name, name is null, false);
        }

        reader.Advance(1);
        if (!TryReadNumber(ref reader, out var count, out var bad))
        {
            return bad ? Frame.Invalid : Incomplete(buffer, maxFrame);
        }

        if (count <= 0)
        {
            // Redis answers an empty array with nothing at all.
            return new Frame(FrameStatus.Complete, reader.Consumed, null, true, false);
        }

        if (count > maxFrame / SmallestElement)
        {
            return Frame.Invalid;
        }

        string? command = null;
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryRead(out var type))
            {
                return Incomplete(buffer, maxFrame);
            }

            if (type != (byte)'$')
            {
                // Redis itself closes on anything but bulk strings in a command.
                return Frame.Invalid;
            }

            if (!TryReadNumber(ref reader, out var length, out bad))
            {
                return bad ? Frame.Invalid : Incomplete(buffer, maxFrame);
            }

            if (length < 0 || length > maxFrame - reader.Consumed)
            {
                return Frame.Invalid;
            }

            if (reader.Remaining < length + 2)
            {
                return Incomplete(buffer, maxFrame);
            }

            if (i == 0)
            {
                command = Upper(reader.UnreadSequence.Slice(0, Math.Min(length, MaxNameLength)));
            }

            reader.Advance(length);
            if (!reader.IsNext("\r\n"u8, advancePast: true))
            {
                return Frame.Invalid;
            }
        }

        return reader.Consumed > maxFrame ? Frame.Invalid : new Frame(FrameStatus.Complete, reader.Consumed, command, false, false);
    }

    /// <summary>Frames the first server reply of <paramref name="buffer"/>, aggregates and attributes included.</summary>
    public static Frame ReadReply(ReadOnlySequence<byte> buffer, int maxFrame)
    {
        var reader = new SequenceReader<byte>(buffer);
        long remaining = 1;
        var push = false;
        var first = true;
        while (remaining > 0)
        {
            if (!reader.TryRead(out var type))
            {
                return Incomplete(buffer, maxFrame);
            }

            if (first)
            {
                push = type == (byte)'>';
                first = false;
            }

            remaining--;
            switch (type)
            {
                case (byte)'+' or (byte)'-' or (byte)':' or (byte)'_' or (byte)',' or (byte)'#' or (byte)'(':
                    if (!reader.TryAdvanceTo((byte)'\n'))
                    {
                        return Incomplete(buffer, maxFrame);
                    }

                    break;
                case (byte)'$' or (byte)'!' or (byte)'=':
                {
                    if (!TryReadNumber(ref reader, out var length, out var bad))
                    {
                        return bad ? Frame.Invalid : Incomplete(buffer, maxFrame);
                    }

                    if (length == -1 && type == (byte)'$')
                    {
                        break;
                    }

                    if (length < 0 || length > maxFrame - reader.Consumed)
                    {
                        return Frame.Invalid;
                    }

                    if (reader.Remaining < length + 2)
                    {
                        return Incomplete(buffer, maxFrame);
                    }

                    reader.Advance(length);
                    if (!reader.IsNext("\r\n"u8, advancePast: true))
                    {
                        return Frame.Invalid;
                    }

                    break;
                }

                case (byte)'*' or (byte)'~' or (byte)'>' or (byte)'%' or (byte)'|':
                {
                    if (!TryReadNumber(ref reader, out var count, out var bad))
                    {
                        return bad ? Frame.Invalid : Incomplete(buffer, maxFrame);
                    }

                    if (count == -1 && type == (byte)'*')
                    {
                        break;
                    }

                    if (count < 0 || count > maxFrame / SmallestElement)
                    {
                        return Frame.Invalid;
                    }

                    // A map holds key and value; an attribute also precedes the reply it annotates.
                    remaining += type switch
                    {
                        (byte)'%' => 2 * count,
                        (byte)'|' => (2 * count) + 1,
                        _ => count,
                    };
                    break;
                }

                default:
                    return Frame.Invalid;
            }

            if (reader.Consumed > maxFrame || remaining > (maxFrame - reader.Consumed) / SmallestElement)
            {
                return Frame.Invalid;
            }
        }

        return new Frame(FrameStatus.Complete, reader.Consumed, null, false, push);
    }

    private static Frame Incomplete(ReadOnlySequence<byte> buffer, int maxFrame) =>
        buffer.Length > maxFrame ? Frame.Invalid : Frame.Incomplete;

    // Reads "<integer>\r\n"; bad is set when the line is there but is not a number.
    private static bool TryReadNumber(ref SequenceReader<byte> reader, out long value, out bool bad)
    {
        value = 0;
        bad = false;

        // Most numbers are short and whole in the current span: parsed in place, without slicing the sequence.
        var span = reader.UnreadSpan;
        var end = span[..Math.Min(span.Length, 23)].IndexOf((byte)'\n');
        if (end >= 0)
        {
            bad = !IsNumberLine(span[..end], out value);
            if (bad)
            {
                return false;
            }

            reader.Advance(end + 1);
            return true;
        }

        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            // A number is at most 20 digits: a longer line without its end is not one.
            bad = reader.Remaining > 24;
            return false;
        }

        if (line.Length > 22)
        {
            bad = true;
            return false;
        }

        Span<byte> digits = stackalloc byte[22];
        line.CopyTo(digits);
        bad = !IsNumberLine(digits[..(int)line.Length], out value);
        return !bad;
    }

    // "<integer>\r" (the line before its "\n"), the integer alone.
    private static bool IsNumberLine(ReadOnlySpan<byte> line, out long value)
    {
        value = 0;
        return line.Length >= 2 && line[^1] == (byte)'\r' && Utf8Parser.TryParse(line[..^1], out value, out var used) && used == line.Length - 1;
    }

    private static string? InlineName(ReadOnlySequence<byte> line)
    {
        var reader = new SequenceReader<byte>(line);
        reader.AdvancePastAny((byte)' ', (byte)'\t', (byte)'\r');
        var rest = reader.UnreadSequence;
        if (rest.IsEmpty)
        {
            return null;
        }

        var end = rest.PositionOf((byte)' ') ?? rest.PositionOf((byte)'\t');
        var word = end is { } position ? rest.Slice(0, position) : rest;
        word = word.Length > MaxNameLength ? word.Slice(0, MaxNameLength) : word;
        return Upper(word).TrimEnd('\r');
    }

    // Command names seen so far, so that framing a command allocates nothing for its name (a pipeline of GETs would
    // otherwise make two strings per command). Bounded: a client sending random names gets new strings, not a leak.
    private static readonly ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);
    private const int MaxNames = 1024;

    private static string Upper(ReadOnlySequence<byte> name)
    {
        Span<char> chars = stackalloc char[MaxNameLength];
        var length = 0;
        foreach (var segment in name)
        {
            foreach (var b in segment.Span)
            {
                // ASCII upper-case; anything else is no command name's letter.
                chars[length++] = b switch
                {
                    >= (byte)'a' and <= (byte)'z' => (char)(b - 32),
                    < 128 => (char)b,
                    _ => '?',
                };
            }
        }

        var upper = chars[..length];
        if (Names.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(upper, out var known))
        {
            return known;
        }

        var text = new string(upper);
        if (Names.Count < MaxNames)
        {
            Names.TryAdd(text, text);
        }

        return text;
    }

    /// <summary>One framed command or reply.</summary>
    /// <param name="Status">Whether the frame is complete.</param>
    /// <param name="Length">Its length in bytes, when complete.</param>
    /// <param name="Name">The command's name, upper-case, when a command has one.</param>
    /// <param name="NoReply">A command Redis answers with nothing (an empty line or array).</param>
    /// <param name="Push">A RESP3 push reply: out of band, it answers no command.</param>
    public readonly record struct Frame(FrameStatus Status, long Length, string? Name, bool NoReply, bool Push) : IFrame
    {
        public static Frame Incomplete => new(FrameStatus.Incomplete, 0, null, false, false);

        public static Frame Invalid => new(FrameStatus.Invalid, 0, null, false, false);
    }
}
