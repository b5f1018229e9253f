using System.Buffers;
using System.Text;

namespace My.Namespace;

/// <summary>Cuts a byte stream into lines, never trusting the wire beyond a configured length.</summary>
internal static class LineFraming
{
    // A command is the first word of a request; longer first words are not commands.
    private const int MaxCommandLength = 32;

    /// <summary>
    /// Takes the next line (with its <c>\n</c>) off the front of <paramref name="buffer"/>. A line longer than
    /// <paramref name="maxLength"/> comes in pieces of that size; at the end of the stream, the rest comes as a last line.
    /// </summary>
    /// <param name="buffer">What was read and not yet framed; what is left once the line is taken.</param>
    /// <param name="maxLength">The longest line, in bytes.</param>
    /// <param name="isEndOfStream">True when no more bytes will come.</param>
    /// <param name="line">The line, a slice of <paramref name="buffer"/>.</param>
    public static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, int maxLength, bool isEndOfStream, out ReadOnlySequence<byte> line)
    {
        // Look no further than maxLength: a peer that never sends \n must not make us buffer without bound.
        var window = buffer.Slice(0, Math.Min(buffer.Length, maxLength));
        var newline = window.PositionOf((byte)'\n');
        if (newline is { } position)
        {
            line = buffer.Slice(0, buffer.GetPosition(1, position));
        }
        else if (window.Length == maxLength || (isEndOfStream && !buffer.IsEmpty))
        {
            line = window;
        }
        else
        {
            line = default;
            return false;
        }

        buffer = buffer.Slice(line.End);
        return true;
    }

    /// <summary>The first word of a request line, upper-case (<c>GET</c>, <c>QUIT</c>), for behaviors that act by command; or null.</summary>
    public static string? CommandOf(ReadOnlySequence<byte> line)
    {
        Span<byte> head = stackalloc byte[MaxCommandLength + 1];
        var length = (int)Math.Min(line.Length, head.Length);
        line.Slice(0, length).CopyTo(head);
        var word = head[..length];
        var end = word.IndexOfAny(" \t\r\n"u8);
        word = end >= 0 ? word[..end] : word;
        return word.IsEmpty || word.Length > MaxCommandLength ? null : Encoding.ASCII.GetString(word).ToUpperInvariant();
    }
}
