using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics;

namespace Vaurien.Host.Proxy;

/// <summary>
/// The memory behind one proxy's inputs and outputs: buffers in power-of-two sizes that go back to the pool with their
/// owner object, so renting allocates nothing once warm; and a count of the bytes rented, which is what the proxy
/// buffers.
/// </summary>
/// <remarks>
/// The pool keeps its own idle buffers rather than renting from <see cref="ArrayPool{T}.Shared"/>: under a bulk
/// transfer (reads of 64 to 256 KiB, rented on one thread and given back on another) the shared pool's per-thread and
/// per-core caches missed now and then, and each miss allocated a new buffer, on the large object heap beyond 85 KB.
/// Here a buffer given back is found by the next rent of its size on any thread. Idle buffers are bounded per size (by
/// bytes): after a burst the pool keeps at most that many, the rest go to the garbage collector.
/// <para>
/// Each socket engine thread (<see cref="EpollEngine"/>) keeps two idle buffers of each size for the last pool it used,
/// ahead of the shared queues, which both cores write: a relayed read holds two buffers at once (the input's and the
/// output's copy), so a request/response relay takes and gives back on its own thread. Only engine threads keep spares:
/// they serve connections for the life of the process, where a thread-pool thread that stops running proxy work would
/// keep its spares for good.
/// </para>
/// </remarks>
internal sealed class ProxyMemoryPool : MemoryPool<byte>
{
    // What a caller gets when it asks without a size (the inputs and outputs always ask with one).
    private const int DefaultSize = 4096;

    // Sizes are powers of two from 512 bytes (the smallest buffer option) to 64 MiB (four reads of the largest).
    private const int SmallestShift = 9;
    private const int LargestShift = 26;

    // Idle bytes kept per size: 128 buffers of 64 KiB (the default buffer option), at least one of any size.
    private const int IdleBytesPerSize = 8 << 20;

    // The size index of a buffer larger than any size kept.
    private const int Unpooled = -1;

    // Spares per size, two each; only on socket engine threads, and only for one pool at a time.
    private const int SparesPerSize = 2;

    [ThreadStatic]
    private static ProxyMemoryPool? t_sparesPool;

    [ThreadStatic]
    private static Owner?[]? t_spares;

    private readonly SizeClass[] _sizes;
    private long _rentedBytes;

    public ProxyMemoryPool()
    {
        _sizes = new SizeClass[LargestShift - SmallestShift + 1];
        for (var i = 0; i < _sizes.Length; i++)
        {
            var size = 1 << (SmallestShift + i);
            _sizes[i] = new SizeClass(size, Math.Max(1, IdleBytesPerSize / size));
        }
    }

    public override int MaxBufferSize => Array.MaxLength;

    /// <summary>The bytes currently rented by the proxy's inputs and outputs: buffered data plus the free tail of each buffer.</summary>
    public long RentedBytes => Interlocked.Read(ref _rentedBytes);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        var wanted = minBufferSize < 0 ? DefaultSize : minBufferSize;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(wanted, MaxBufferSize, nameof(minBufferSize));

        // Larger than any size kept (a plugin asking for a huge span): a buffer of its own, not pooled.
        var owner = wanted > 1 << LargestShift
            ? new Owner(this, Unpooled, wanted)
            : Take(Math.Max(SmallestShift, BitOperations.Log2(BitOperations.RoundUpToPowerOf2((uint)Math.Max(wanted, 1)))) - SmallestShift);
        Interlocked.Add(ref _rentedBytes, owner.Size);
        return owner;
    }

    protected override void Dispose(bool disposing)
    {
    }

    private Owner Take(int sizeIndex)
    {
        if (t_sparesPool == this)
        {
            var spares = t_spares!;
            for (var i = sizeIndex * SparesPerSize; i < (sizeIndex + 1) * SparesPerSize; i++)
            {
                if (spares[i] is { } spare)
                {
                    spares[i] = null;
                    spare.Revive();
                    return spare;
                }
            }
        }

        return _sizes[sizeIndex].Take() ?? new Owner(this, sizeIndex, _sizes[sizeIndex].Size);
    }

    private void Return(Owner owner)
    {
        Interlocked.Add(ref _rentedBytes, -owner.Size);
        if (owner.SizeIndex != Unpooled && !(EpollEngine.OnEngineThread && TryKeepSpare(owner)))
        {
            _sizes[owner.SizeIndex].Give(owner);
        }
    }

    // On an engine thread: keeps the buffer as one of this thread's spares if there is room.
    private bool TryKeepSpare(Owner owner)
    {
        if (t_sparesPool != this)
        {
            // The thread's spares were another proxy's: they go back to that pool's queues first.
            if (t_sparesPool is { } previous)
            {
                previous.GiveBack(t_spares!);
            }

            t_spares ??= new Owner?[_sizes.Length * SparesPerSize];
            t_sparesPool = this;
        }

        var spares = t_spares!;
        for (var i = owner.SizeIndex * SparesPerSize; i < (owner.SizeIndex + 1) * SparesPerSize; i++)
        {
            if (spares[i] is null)
            {
                spares[i] = owner;
                return true;
            }
        }

        return false;
    }

    private void GiveBack(Owner?[] spares)
    {
        for (var i = 0; i < spares.Length; i++)
        {
            if (spares[i] is { } spare)
            {
                spares[i] = null;
                _sizes[spare.SizeIndex].Give(spare);
            }
        }
    }

    private sealed class SizeClass(int size, int maxIdle)
    {
        private readonly ConcurrentQueue<Owner> _idle = new();
        private int _idleCount;

        public int Size { get; } = size;

        public Owner? Take()
        {
            if (!_idle.TryDequeue(out var owner))
            {
                return null;
            }

            Interlocked.Decrement(ref _idleCount);
            owner.Revive();
            return owner;
        }

        public void Give(Owner owner)
        {
            if (Interlocked.Increment(ref _idleCount) > maxIdle)
            {
                // Enough of this size idle already: this one goes to the garbage collector.
                Interlocked.Decrement(ref _idleCount);
                return;
            }

            _idle.Enqueue(owner);
        }
    }

    private sealed class Owner(ProxyMemoryPool pool, int sizeIndex, int size) : IMemoryOwner<byte>
    {
        private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(size);
        private int _rented = 1;

        public int SizeIndex => sizeIndex;

        public int Size => _array.Length;

        public Memory<byte> Memory => Volatile.Read(ref _rented) != 0 ? _array : throw new ObjectDisposedException(nameof(ProxyMemoryPool));

        public void Revive() => Volatile.Write(ref _rented, 1);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _rented, 0) != 0)
            {
                pool.Return(this);
            }
        }
    }
}
