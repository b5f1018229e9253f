using Xunit;

namespace Vaurien.Host.Proxy.Tests;

public sealed class ProxyMemoryPoolTests
{
    [Fact]
    public void Rent_ThenDispose_CountsTheBytesWhileRented()
    {
        using var pool = new ProxyMemoryPool();

        var first = pool.Rent(16384);
        var second = pool.Rent(100);
        var rented = pool.RentedBytes;
        first.Dispose();
        second.Dispose();

        // ArrayPool rounds 100 up to its 128-byte bucket.
        Assert.Equal(16384 + 128, rented);
        Assert.Equal(0, pool.RentedBytes);
    }

    [Fact]
    public void Rent_AfterAReturn_ReusesTheOwner()
    {
        using var pool = new ProxyMemoryPool();
        var first = pool.Rent(4096);
        first.Dispose();

        var second = pool.Rent(4096);

        Assert.Same(first, second);
        Assert.True(second.Memory.Length >= 4096);
    }

    [Fact]
    public void Dispose_Twice_ReturnsTheBytesOnce()
    {
        using var pool = new ProxyMemoryPool();
        var owner = pool.Rent(4096);

        owner.Dispose();
        owner.Dispose();

        Assert.Equal(0, pool.RentedBytes);
        Assert.Throws<ObjectDisposedException>(() => owner.Memory);
    }
}
