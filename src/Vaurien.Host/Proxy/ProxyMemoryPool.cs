using System.Buffers;
using System.Collections.Concurrent;

namespace Vaurien.Host.Proxy;

/// <summary>
/// The memory behind one proxy's pipes: arrays from <see cref="ArrayPool{T}.Shared"/> with their owner objects reused,
/// so renting allocates nothing once warm, and a count of the bytes rented, which is what the proxy buffers.
/// </summary>
internal sealed class ProxyMemoryPool : MemoryPool<byte>
{
    // What a pipe gets when it asks without a size (it always asks with one here).
    private const int DefaultSize = 4096;

    // Owners wait here between rents. Their number never exceeds the most segments ever rented at once.
    private readonly ConcurrentQueue<Owner> _owners = new();
    private long _rentedBytes;

    public override int MaxBufferSize => Array.MaxLength;

    /// <summary>The bytes currently rented by the proxy's pipes: buffered data plus the free tail of each segment.</summary>
    public long RentedBytes => Interlocked.Read(ref _rentedBytes);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        var array = ArrayPool<byte>.Shared.Rent(minBufferSize < 0 ? DefaultSize : minBufferSize);
        if (!_owners.TryDequeue(out var owner))
        {
            owner = new Owner(this);
        }

        owner.Attach(array);
        Interlocked.Add(ref _rentedBytes, array.Length);
        return owner;
    }

    protected override void Dispose(bool disposing)
    {
    }

    private void Return(Owner owner, byte[] array)
    {
        Interlocked.Add(ref _rentedBytes, -array.Length);
        ArrayPool<byte>.Shared.Return(array);
        _owners.Enqueue(owner);
    }

    private sealed class Owner(ProxyMemoryPool pool) : IMemoryOwner<byte>
    {
        private byte[]? _array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(ProxyMemoryPool));

        public void Attach(byte[] array) => _array = array;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } array)
            {
                pool.Return(this, array);
            }
        }
    }
}
