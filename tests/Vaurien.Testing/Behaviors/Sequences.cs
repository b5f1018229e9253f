using System.Buffers;

namespace Vaurien.Testing.Behaviors;

/// <summary>Builds <see cref="ReadOnlySequence{T}"/> values for tests, including multi-segment ones as pipes produce.</summary>
public static class Sequences
{
    /// <summary>One sequence made of <paramref name="segments"/>, in order, each its own segment.</summary>
    public static ReadOnlySequence<byte> Segmented(params byte[][] segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(segments[0], 0);
        var last = first;
        for (var i = 1; i < segments.Length; i++)
        {
            last = last.Append(segments[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
