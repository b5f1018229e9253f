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

        // Sizes are powers of two from 512 bytes.
        Assert.Equal(16384 + 512, rented);
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

    [Fact]
    public void Rent_AfterAReturnOfTheSameSize_ReusesTheBuffer()
    {
        using var pool = new ProxyMemoryPool();
        var first = pool.Rent(65536);
        var array = first.Memory;
        first.Dispose();

        // Rounded up to the same size.
        var second = pool.Rent(40000);

        Assert.True(second.Memory.Span == array.Span);
        Assert.Equal(65536, second.Memory.Length);
    }

    [Fact]
    public void Dispose_BeyondTheIdleBound_LetsTheBufferGo()
    {
        // 8 MiB buffers: the pool keeps one idle.
        using var pool = new ProxyMemoryPool();
        var first = pool.Rent(8 << 20);
        var second = pool.Rent(8 << 20);
        var kept = first.Memory;
        first.Dispose();
        second.Dispose();

        var third = pool.Rent(8 << 20);
        var fourth = pool.Rent(8 << 20);

        Assert.True(third.Memory.Span == kept.Span);
        Assert.NotSame(second, fourth);
        Assert.NotSame(first, fourth);
    }

    [Fact]
    public void Rent_LargerThanTheLargestSizeKept_GetsABufferOfItsOwnThatIsNotKept()
    {
        // Sizes are kept up to 64 MiB (four reads of the largest buffer option); a plugin may still ask for more.
        const int Huge = (64 << 20) + 1;
        using var pool = new ProxyMemoryPool();
        var first = pool.Rent(Huge);
        var memory = first.Memory;
        var rented = pool.RentedBytes;
        first.Dispose();

        var second = pool.Rent(Huge);

        Assert.Equal(Huge, memory.Length);
        Assert.Equal(Huge, rented);
        Assert.False(second.Memory.Span == memory.Span);
        second.Dispose();
        Assert.Equal(0, pool.RentedBytes);
    }
}
