using System.Net.Sockets;
using Vaurien.Host.Configuration;
using Vaurien.Testing.Network;
using Vaurien.Testing.Time;
using Xunit;

namespace Vaurien.Host.Proxy.Tests;

public sealed class BackendPoolTests : IAsyncLifetime
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualTimeProvider _time = new();
    private LoopbackServer _backend = null!;

    private HostPort Backend => TestProxies.ToHostPort(_backend.EndPoint);

    public Task InitializeAsync()
    {
        // Holds each connection open, silent, until the test releases them all.
        _backend = LoopbackServer.Start((_, token) => _release.Task.WaitAsync(token));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _backend.DisposeAsync();
    }

    [Fact]
    public void TryTake_Empty_ReturnsNull()
    {
        using var pool = new BackendPool(IdleTimeout, _time);

        Assert.Null(pool.TryTake(Backend));
    }

    [Fact]
    public async Task TryTake_TwoKept_ReturnsTheMostRecentForThatBackendOnly()
    {
        using var pool = new BackendPool(IdleTimeout, _time);
        using var older = await ConnectAsync();
        using var newer = await ConnectAsync();
        pool.TryAdd(older, Backend);
        pool.TryAdd(newer, Backend);

        Assert.Null(pool.TryTake(new HostPort("127.0.0.1", Backend.Port + 1)));
        Assert.Same(newer, pool.TryTake(Backend));
        Assert.Same(older, pool.TryTake(Backend));
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public async Task TryAdd_Full_IsRefused()
    {
        using var pool = new BackendPool(IdleTimeout, _time, capacity: 1);
        using var first = await ConnectAsync();
        using var second = await ConnectAsync();

        Assert.True(pool.TryAdd(first, Backend));
        Assert.False(pool.TryAdd(second, Backend));
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public async Task TryTake_WithinTheTimeout_HandsOutTheConnectionAndNotAfter()
    {
        using var pool = new BackendPool(IdleTimeout, _time);
        using var fresh = await ConnectAsync();
        var stale = await ConnectAsync();
        pool.TryAdd(stale, Backend);
        pool.TryAdd(fresh, Backend);

        _time.Advance(IdleTimeout - TimeSpan.FromTicks(1));
        var taken = pool.TryTake(Backend);
        _time.Advance(TimeSpan.FromTicks(1));

        Assert.Same(fresh, taken);
        Assert.Null(pool.TryTake(Backend));
        Assert.Throws<ObjectDisposedException>(() => stale.Available);
    }

    [Fact]
    public async Task Sweep_AfterTheTimeout_ClosesExpiredConnections()
    {
        using var pool = new BackendPool(IdleTimeout, _time);
        var socket = await ConnectAsync();
        pool.TryAdd(socket, Backend);

        _time.Advance(IdleTimeout);

        Assert.Equal(0, pool.Count);
        Assert.Throws<ObjectDisposedException>(() => socket.Available);
    }

    [Fact]
    public async Task TryTake_BackendClosedItsSide_DiscardsIt()
    {
        using var pool = new BackendPool(IdleTimeout, _time);
        var socket = await ConnectAsync();
        pool.TryAdd(socket, Backend);

        _release.SetResult();
        await WaitFor.ConditionAsync(() => _backend.ActiveCount == 0, "the backend to close");
        await WaitFor.ConditionAsync(() => !BackendPool.IsIdle(socket), "the FIN to arrive");

        Assert.Null(pool.TryTake(Backend));
        Assert.Throws<ObjectDisposedException>(() => socket.Available);
    }

    [Fact]
    public async Task Dispose_ClosesEveryKeptConnection()
    {
        var pool = new BackendPool(IdleTimeout, _time);
        var socket = await ConnectAsync();
        pool.TryAdd(socket, Backend);

        pool.Dispose();

        using var another = await ConnectAsync();
        Assert.Throws<ObjectDisposedException>(() => socket.Available);
        Assert.False(pool.TryAdd(another, Backend));
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = await SocketTestExtensions.ConnectLoopbackAsync(_backend.EndPoint);
        await WaitFor.ConditionAsync(() => BackendPool.IsIdle(socket), "the connection to be up");
        return socket;
    }
}
