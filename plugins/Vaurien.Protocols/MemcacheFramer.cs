using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Vaurien.Protocols.Framing;

namespace Vaurien.Protocols;

/// <summary>
/// Finds where the first memcache text-protocol frame of a buffer ends: a client command with its data block, or
/// the whole response of a command of a known <see cref="MemcacheReply"/> shape. It never allocates from a length
/// read on the wire: every data block length is checked against the largest frame before it is trusted.
/// </summary>
internal static class MemcacheFramer
{
    /// <summary>
    /// The longest line accepted. memcached closes a connection that sends 2048 bytes without a line end unless it
    /// is a large get or gets (proto_text.c, try_read_command_ascii); a retrieval line may be as long as a frame.
    /// </summary>
    public const int MaxLine = 2048;

    // memcached's KEY_MAX_LENGTH: with a longer key it answers an error and reads no data block.
    private const int MaxKeyLength = 250;

    // Enough for any real command name; a longer first word is not a name worth a long string.
    private const int MaxNameLength = 32;

    // The binary protocol's request magic: memcached picks the protocol by a connection's first byte.
    private const byte BinaryMagic = 0x80;

    // memcached allows this many blanks before a large get's name.
    private const int MaxLeadingBlanks = 100;

    private static readonly string[] Names =
    [
        "get", "gets", "gat", "gats", "set", "add", "replace", "append", "prepend", "cas", "incr", "decr", "touch",
        "delete", "stats", "flush_all", "version", "verbosity", "quit", "cache_memlimit", "shutdown", "mg", "ms", "md",
        "ma", "mn", "me", "watch", "lru_crawler", "slabs", "lru", "misbehave", "debugtime",
    ];

    private static readonly byte[][] NameBytes = [.. Names.Select(Encoding.ASCII.GetBytes)];

    /// <summary>Frames the first client command of <paramref name="buffer"/>, its data block included.</summary>
    public static Frame ReadCommand(ReadOnlySequence<byte> buffer, int maxFrame)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryPeek(out var first))
        {
            return Frame.Incomplete;
        }

        if (first == BinaryMagic)
        {
            // Nothing is read: the whole connection goes on unframed from its first byte.
            return new Frame(FrameStatus.Complete, 0, "binary", MemcacheReply.Unframed, false);
        }

        Span<byte> scratch = stackalloc byte[MaxLine];
        var limit = IsRetrieval(buffer, scratch) ? maxFrame : Math.Min(maxFrame, MaxLine);
        var status = ReadLine(ref reader, limit, out var line);
        if (status != FrameStatus.Complete)
        {
            return status == FrameStatus.Invalid ? Frame.Invalid : Incomplete(buffer, maxFrame);
        }

        var rest = Flatten(line, scratch);
        if (!NextToken(ref rest, out var command))
        {
            // memcached answers an empty line with ERROR.
            return new Frame(FrameStatus.Complete, reader.Consumed, null, MemcacheReply.Line, false);
        }

        var name = NameOf(command);
        switch (name)
        {
            case "get" or "gets" or "gat" or "gats":
                return new Frame(FrameStatus.Complete, reader.Consumed, name, MemcacheReply.Values, false);
            case "set" or "add" or "replace" or "append" or "prepend" or "cas":
                return Storage(ref reader, buffer, rest, name, maxFrame);
            case "ms":
                return MetaSet(ref reader, buffer, rest, maxFrame);
            case "mg" or "md" or "ma" or "me":
                return new Frame(FrameStatus.Complete, reader.Consumed, name, MemcacheReply.Meta, HasQuietFlag(rest));
            case "mn":
                return new Frame(FrameStatus.Complete, reader.Consumed, name, MemcacheReply.UntilNoOp, false);
            case "stats" or "lru_crawler":
                return new Frame(FrameStatus.Complete, reader.Consumed, name, MemcacheReply.List, false);
            case "watch":
                return new Frame(FrameStatus.Complete, reader.Consumed, name, MemcacheReply.Unframed, false);
            case "quit":
                return new Frame(FrameStatus.Complete, reader.Consumed, name, MemcacheReply.Close, false);
            default:
                var reply = EndsWithNoReply(rest) ? MemcacheReply.None : MemcacheReply.Line;
                return new Frame(FrameStatus.Complete, reader.Consumed, name, reply, false);
        }
    }

    /// <summary>Frames the first whole response of <paramref name="buffer"/>, given the shape its command expects.</summary>
    public static Frame ReadReply(ReadOnlySequence<byte> buffer, MemcacheReply kind, int maxFrame)
    {
        Span<byte> scratch = stackalloc byte[MaxLine];
        var reader = new SequenceReader<byte>(buffer);
        var limit = Math.Min(maxFrame, MaxLine);
        while (true)
        {
            var status = ReadLine(ref reader, limit, out var line);
            if (status != FrameStatus.Complete)
            {
                return status == FrameStatus.Invalid ? Frame.Invalid : Incomplete(buffer, maxFrame);
            }

            var text = Flatten(line, scratch);
            var rest = text;
            NextToken(ref rest, out var code);

            // -1: no data block follows the line; -2: a data block whose length is not a number.
            long block = -1;
            bool more;
            switch (kind)
            {
                case MemcacheReply.Values:
                    more = code.SequenceEqual("VALUE"u8);
                    block = more ? LengthAt(rest, 2) : -1;
                    break;
                case MemcacheReply.Meta:
                    more = false;
                    block = code.SequenceEqual("VA"u8) ? LengthAt(rest, 0) : -1;
                    break;
                case MemcacheReply.UntilNoOp:
                    more = !text.SequenceEqual("MN"u8);
                    block = code.SequenceEqual("VA"u8) ? LengthAt(rest, 0) : code.SequenceEqual("VALUE"u8) ? LengthAt(rest, 2) : -1;
                    break;
                case MemcacheReply.List:
                    more = code.SequenceEqual("STAT"u8) || code.SequenceEqual("ITEM"u8) || code.SequenceEqual("PREFIX"u8)
                        || code.SequenceEqual("mg"u8) || code.StartsWith("key="u8);
                    break;
                default:
                    more = false;
                    break;
            }

            if (block == -2)
            {
                return Frame.Invalid;
            }

            if (block >= 0)
            {
                // The block's end must be there before it is checked: a read may stop between the data and its CRLF.
                status = SkipBlock(ref reader, block, maxFrame);
                if (status == FrameStatus.Complete && reader.Remaining < 2)
                {
                    status = FrameStatus.Incomplete;
                }

                if (status != FrameStatus.Complete)
                {
                    return status == FrameStatus.Invalid ? Frame.Invalid : Incomplete(buffer, maxFrame);
                }

                if (!reader.IsNext("\r\n"u8, advancePast: true))
                {
                    return Frame.Invalid;
                }
            }

            if (reader.Consumed > maxFrame)
            {
                return Frame.Invalid;
            }

            if (!more)
            {
                return new Frame(FrameStatus.Complete, reader.Consumed, null, kind, false);
            }
        }
    }

    // set/add/replace/append/prepend <key> <flags> <exptime> <bytes> [noreply], cas with <cas unique> before noreply.
    // A data block follows only when memcached reads one: the right number of words, a key it takes and numbers
    // where it parses them (proto_text.c, process_update_command); otherwise it answers an error and the data
    // block's bytes are read as the next command, as here.
    private static Frame Storage(ref SequenceReader<byte> reader, ReadOnlySequence<byte> buffer, scoped ReadOnlySpan<byte> rest, string name, int maxFrame)
    {
        var words = CountTokens(rest);
        var isCas = name == "cas";
        var least = isCas ? 5 : 4;
        if (words < least || words > least + 1)
        {
            return new Frame(FrameStatus.Complete, reader.Consumed, name, MemcacheReply.Line, false);
        }

        // From here memcached keeps noreply even for its errors: a bad length or key gets no response at all.
        var reply = EndsWithNoReply(rest) ? MemcacheReply.None : MemcacheReply.Line;
        NextToken(ref rest, out var key);
        NextToken(ref rest, out var flags);
        NextToken(ref rest, out var exptime);
        var length = LengthAt(rest, 0);
        if (key.Length > MaxKeyLength || !Utf8Parser.TryParse(flags, out uint _, out var used) || used != flags.Length
            || !Utf8Parser.TryParse(exptime, out long _, out used) || used != exptime.Length || length < 0)
        {
            return new Frame(FrameStatus.Complete, reader.Consumed, name, reply, false);
        }

        return WithBlock(ref reader, buffer, length, new Frame(FrameStatus.Complete, 0, name, reply, false), maxFrame);
    }

    // ms <key> <datalen> <flags>*: memcached reads the data block whenever the length parses, errors or not.
    private static Frame MetaSet(ref SequenceReader<byte> reader, ReadOnlySequence<byte> buffer, scoped ReadOnlySpan<byte> rest, int maxFrame)
    {
        var length = LengthAt(rest, 1);
        var frame = new Frame(FrameStatus.Complete, reader.Consumed, "ms", MemcacheReply.Meta, HasQuietFlag(rest));
        return length < 0 ? frame : WithBlock(ref reader, buffer, length, frame, maxFrame);
    }

    private static Frame WithBlock(ref SequenceReader<byte> reader, ReadOnlySequence<byte> buffer, long length, Frame frame, int maxFrame)
    {
        var status = SkipBlock(ref reader, length + 2, maxFrame);
        return status switch
        {
            FrameStatus.Complete => frame with { Length = reader.Consumed },
            FrameStatus.Invalid => Frame.Invalid,
            _ => Incomplete(buffer, maxFrame),
        };
    }

    // Skips a data block whose length was read on the wire, once it is known to fit in a frame.
    private static FrameStatus SkipBlock(ref SequenceReader<byte> reader, long length, int maxFrame)
    {
        if (length > maxFrame - reader.Consumed)
        {
            return FrameStatus.Invalid;
        }

        if (reader.Remaining < length)
        {
            return FrameStatus.Incomplete;
        }

        reader.Advance(length);
        return FrameStatus.Complete;
    }

    // Reads one line (to its '\n') of at most limit bytes; the line excludes the '\n'.
    private static FrameStatus ReadLine(ref SequenceReader<byte> reader, int limit, out ReadOnlySequence<byte> line)
    {
        var window = reader.UnreadSequence;
        if (window.Length > limit)
        {
            window = window.Slice(0, limit);
        }

        if (window.PositionOf((byte)'\n') is not { } end)
        {
            line = default;
            return window.Length >= limit ? FrameStatus.Invalid : FrameStatus.Incomplete;
        }

        line = window.Slice(0, end);
        reader.Advance(line.Length + 1);
        return FrameStatus.Complete;
    }

    // The line without its '\r', as one span: copied only when it spans segments, and cut at MaxLine (only a
    // retrieval line is longer, and of it only the name is read).
    private static ReadOnlySpan<byte> Flatten(ReadOnlySequence<byte> line, Span<byte> scratch)
    {
        ReadOnlySpan<byte> text;
        if (line.IsSingleSegment)
        {
            text = line.FirstSpan;
        }
        else
        {
            var length = (int)Math.Min(line.Length, scratch.Length);
            line.Slice(0, length).CopyTo(scratch);
            text = scratch[..length];
        }

        return text.Length > 0 && text[^1] == (byte)'\r' ? text[..^1] : text;
    }

    // Whether the buffer starts with a get or gets, the commands memcached lets run past MaxLine; gat and gats too.
    private static bool IsRetrieval(ReadOnlySequence<byte> buffer, Span<byte> scratch)
    {
        var length = (int)Math.Min(buffer.Length, MaxLeadingBlanks + 8);
        var start = scratch[..length];
        buffer.Slice(0, length).CopyTo(start);
        var rest = (ReadOnlySpan<byte>)start.TrimStart((byte)' ');
        return rest.StartsWith("get "u8) || rest.StartsWith("gets "u8) || rest.StartsWith("gat "u8) || rest.StartsWith("gats "u8);
    }

    private static bool NextToken(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> token)
    {
        rest = rest.TrimStart((byte)' ');
        if (rest.IsEmpty)
        {
            token = default;
            return false;
        }

        var end = rest.IndexOf((byte)' ');
        token = end < 0 ? rest : rest[..end];
        rest = end < 0 ? default : rest[end..];
        return true;
    }

    private static int CountTokens(ReadOnlySpan<byte> rest)
    {
        var count = 0;
        while (NextToken(ref rest, out _))
        {
            count++;
        }

        return count;
    }

    // Whether the last word is noreply, which memcached checks for wherever a command takes it.
    private static bool EndsWithNoReply(ReadOnlySpan<byte> rest)
    {
        var noreply = false;
        while (NextToken(ref rest, out var token))
        {
            noreply = token.SequenceEqual("noreply"u8);
        }

        return noreply;
    }

    // Meta flags are words of their own; q asks for noreply semantics.
    private static bool HasQuietFlag(ReadOnlySpan<byte> rest)
    {
        while (NextToken(ref rest, out var token))
        {
            if (token.SequenceEqual("q"u8))
            {
                return true;
            }
        }

        return false;
    }

    // The non-negative number at word index of rest: -1 when there is no such word, -2 when it is not a number.
    private static long LengthAt(ReadOnlySpan<byte> rest, int index)
    {
        for (var i = 0; i < index; i++)
        {
            if (!NextToken(ref rest, out _))
            {
                return -1;
            }
        }

        if (!NextToken(ref rest, out var token))
        {
            return -1;
        }

        return Utf8Parser.TryParse(token, out long value, out var used) && used == token.Length && value >= 0 ? value : -2;
    }

    private static string NameOf(ReadOnlySpan<byte> command)
    {
        for (var i = 0; i < NameBytes.Length; i++)
        {
            if (command.SequenceEqual(NameBytes[i]))
            {
                return Names[i];
            }
        }

        return Encoding.ASCII.GetString(command[..Math.Min(command.Length, MaxNameLength)]);
    }

    private static Frame Incomplete(ReadOnlySequence<byte> buffer, int maxFrame) =>
        buffer.Length > maxFrame ? Frame.Invalid : Frame.Incomplete;

    /// <summary>One framed command or response.</summary>
    /// <param name="Status">Whether the frame is complete.</param>
    /// <param name="Length">Its length in bytes, when complete.</param>
    /// <param name="Name">The command's name as sent (<c>get</c>, <c>ms</c>), when a command has one.</param>
    /// <param name="Reply">The shape of the response the command expects (of a response: the shape it had).</param>
    /// <param name="Quiet">A meta command with the q flag: its usual response is suppressed, errors and hits are not.</param>
    public readonly record struct Frame(FrameStatus Status, long Length, string? Name, MemcacheReply Reply, bool Quiet) : IFrame
    {
        public static Frame Incomplete => new(FrameStatus.Incomplete, 0, null, MemcacheReply.None, false);

        public static Frame Invalid => new(FrameStatus.Invalid, 0, null, MemcacheReply.None, false);
    }
}
