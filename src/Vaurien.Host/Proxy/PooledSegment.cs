using System.Buffers;
using System.Collections.Concurrent;

namespace Vaurien.Host.Proxy;

/// <summary>
/// One pooled buffer of a <see cref="SocketInput"/> or a <see cref="SocketOutput"/>: <see cref="Written"/> bytes written
/// into it; an input's reader sees <see cref="ReadOnlySequenceSegment{T}.Memory"/> (what was flushed). The nodes are
/// pooled too, so a read or a flush allocates nothing; like the memory pool's owners, idle nodes never outnumber the most
/// in use at once, so the pool needs no bound (and no count).
/// </summary>
internal sealed class PooledSegment : ReadOnlySequenceSegment<byte>
{
    private static readonly ConcurrentQueue<PooledSegment> Idle = new();

    // Two spare nodes per socket engine thread, ahead of the shared queue (as the memory pool keeps buffers).
    [ThreadStatic]
    private static PooledSegment? t_spare;

    [ThreadStatic]
    private static PooledSegment? t_secondSpare;

    private IMemoryOwner<byte>? _owner;

    /// <summary>Bytes written into the buffer (the writer's; an input's reader goes by <c>Memory</c>).</summary>
    public int Written { get; set; }

    public int Free => _owner!.Memory.Length - Written;

    public Memory<byte> FreeMemory => _owner!.Memory[Written..];

    public ReadOnlyMemory<byte> WrittenMemory => _owner!.Memory[..Written];

    public PooledSegment? NextSegment => (PooledSegment?)Next;

    public static PooledSegment Rent(IMemoryOwner<byte> owner)
    {
        PooledSegment? segment;
        if (t_spare is not null)
        {
            segment = t_spare;
            t_spare = null;
        }
        else if (t_secondSpare is not null)
        {
            segment = t_secondSpare;
            t_secondSpare = null;
        }
        else if (!Idle.TryDequeue(out segment))
        {
            segment = new PooledSegment();
        }

        segment._owner = owner;
        return segment;
    }

    /// <summary>Gives back every segment of the chain from <paramref name="head"/> on, and their buffers.</summary>
    public static void ReturnAll(PooledSegment? head)
    {
        while (head is not null)
        {
            var next = head.NextSegment;
            head._owner?.Dispose();
            head._owner = null;
            head.Written = 0;
            head.Memory = default;
            head.RunningIndex = 0;
            head.Next = null;
            if (!EpollEngine.OnEngineThread)
            {
                Idle.Enqueue(head);
            }
            else if (t_spare is null)
            {
                t_spare = head;
            }
            else if (t_secondSpare is null)
            {
                t_secondSpare = head;
            }
            else
            {
                Idle.Enqueue(head);
            }

            head = next;
        }
    }

    /// <summary>The reader may now see what was written.</summary>
    public void Commit() => Memory = _owner!.Memory[..Written];

    /// <summary>Puts <paramref name="next"/> after this segment, in the stream's order.</summary>
    public void Append(PooledSegment next)
    {
        next.RunningIndex = RunningIndex + Written;
        Next = next;
    }

    /// <summary>Chains segments whose stream positions do not matter (an output's, written or queued).</summary>
    public void Link(PooledSegment next) => Next = next;

    public void Cut() => Next = null;
}
