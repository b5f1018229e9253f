using System.Composition.Hosting;
using System.Net.Sockets;
using System.Text;
using Vaurien.Testing.Network;
using Vaurien.Testing.Time;

namespace Vaurien.Protocols.Tests;

public sealed class TcpTests
{
    private static readonly TimeSpan ShortWait = TimeSpan.FromMilliseconds(300);

    internal static IProtocol Tcp() => Exports.Protocol(typeof(TcpOptions).Assembly, "tcp");

    [Fact]
    public void Export_Tcp_IsFoundByNameWithDescriptionAndOptions()
    {
        using var container = new ContainerConfiguration().WithAssembly(typeof(TcpOptions).Assembly).CreateContainer();
        var export = Assert.Single(
            container.GetExports<Lazy<IProtocol, IDictionary<string, object>>>(),
            e => Equals(e.Metadata["Name"], "tcp"));

        Assert.False(string.IsNullOrWhiteSpace(export.Metadata["Description"] as string));
        Assert.IsAssignableFrom<Protocol<TcpOptions>>(export.Value);
        Assert.False(export.Value.GetType().IsPublic, "Composition finds the protocol while it stays internal.");
    }

    [Fact]
    public async Task RunAsync_ClientHalfCloses_ReplyArrivesThenEndOfStream()
    {
        // The backend answers only once it has read the whole request, i.e. after the client's FIN.
        await using var backend = LoopbackServer.Start(async (socket, _) =>
        {
            var request = await socket.ReceiveToEndAsync();
            await socket.SendAllAsync(Encoding.ASCII.GetBytes("got " + Encoding.ASCII.GetString(request)));
            socket.Shutdown(SocketShutdown.Send);
        });
        await using var proxy = await LoopbackProxy.StartAsync(Tcp(), backend.EndPoint);
        using var client = await proxy.ConnectAsync();

        await client.SendAllAsync("hello"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);
        var reply = await client.ReceiveToEndAsync();

        Assert.Equal("got hello", Encoding.ASCII.GetString(reply));
    }

    [Fact]
    public async Task RunAsync_BackendHalfCloses_ClientCanStillSend()
    {
        var backendGot = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = LoopbackServer.Start(async (socket, _) =>
        {
            await socket.SendAllAsync("hello"u8.ToArray());
            socket.Shutdown(SocketShutdown.Send);
            backendGot.SetResult(Encoding.ASCII.GetString(await socket.ReceiveToEndAsync()));
        });
        await using var proxy = await LoopbackProxy.StartAsync(Tcp(), backend.EndPoint);
        using var client = await proxy.ConnectAsync();

        var greeting = await client.ReceiveToEndAsync();
        await client.SendAllAsync("still here"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal("hello", Encoding.ASCII.GetString(greeting));
        Assert.Equal("still here", await backendGot.Task.WaitAsync(TestTimeouts.Network));
    }

    [Fact]
    public async Task RunAsync_ExchangePerRead_ForwardsEveryByteInOrderInReadsOfAtMostOneBuffer()
    {
        const int Buffer = 4096;
        const long Size = 16L << 20;
        var sizes = new System.Collections.Concurrent.ConcurrentQueue<(Direction, long)>();
        var observe = new DelegateBehavior(context =>
        {
            sizes.Enqueue((context.Direction, context.Data.Length));
            return ValueTask.CompletedTask;
        });
        var backendResult = new TaskCompletionSource<(long Count, byte[] Hash)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = LoopbackServer.Start(async (socket, token) =>
        {
            var send = HashedTraffic.SendAsync(socket, 2, Size, cancellationToken: token);
            backendResult.SetResult(await HashedTraffic.ReceiveAsync(socket, cancellationToken: token));
            await send;
        });
        await using var proxy = await LoopbackProxy.StartAsync(Tcp(), backend.EndPoint, new LoopbackProxyOptions { ProtocolOptions = new TcpOptions { Buffer = Buffer } });
        proxy.SetBehavior(observe);
        using var client = await proxy.ConnectAsync();

        var sent = HashedTraffic.SendAsync(client, 1, Size);
        var received = await HashedTraffic.ReceiveAsync(client).WaitAsync(TestTimeouts.Network);
        var atBackend = await backendResult.Task.WaitAsync(TestTimeouts.Network);

        Assert.Equal(Size, received.Count);
        Assert.Equal(HashedTraffic.HashOf(2, Size), received.Hash);
        Assert.Equal(Size, atBackend.Count);
        Assert.Equal(await sent.WaitAsync(TestTimeouts.Network), atBackend.Hash);
        Assert.All(sizes, s => Assert.InRange(s.Item2, 1, Buffer));
        Assert.Equal(Size, sizes.Where(s => s.Item1 == Direction.ToBackend).Sum(s => s.Item2));
        Assert.Equal(Size, sizes.Where(s => s.Item1 == Direction.ToClient).Sum(s => s.Item2));
    }

    [Fact]
    public async Task ReplyWithError_OnRequest_ClientGetsThousandRandomBytesAndBackendNothing()
    {
        var backendGot = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = LoopbackServer.Start(async (socket, _) => backendGot.SetResult((await socket.ReceiveToEndAsync()).Length));
        await using var proxy = await LoopbackProxy.StartAsync(Tcp(), backend.EndPoint);
        proxy.SetBehavior(DelegateBehavior.OnRequests(context => context.ReplyWithErrorAsync()));
        using var client = await proxy.ConnectAsync();

        await client.SendAllAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
        var error = await client.ReceiveExactlyAsync(1000);
        client.Shutdown(SocketShutdown.Send);

        Assert.Empty(await client.ReceiveToEndAsync());
        Assert.Equal(0, await backendGot.Task.WaitAsync(TestTimeouts.Network));
        Assert.True(error.Distinct().Count() > 100, "The error is random bytes.");
    }

    [Fact]
    public async Task ReplaceData_OnRequest_BackendGetsTheReplacement()
    {
        await using var backend = LoopbackServer.Echo();
        await using var proxy = await LoopbackProxy.StartAsync(Tcp(), backend.EndPoint);
        proxy.SetBehavior(DelegateBehavior.OnRequests(context => context.ReplaceData("REPLACED"u8.ToArray())));
        using var client = await proxy.ConnectAsync();

        await client.SendAllAsync("original"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal("REPLACED", Encoding.ASCII.GetString(await client.ReceiveToEndAsync()));
    }

    [Fact]
    public async Task Close_OnRequest_ClientSeesEndOfStreamAndBackendNothing()
    {
        var backendGot = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = LoopbackServer.Start(async (socket, _) => backendGot.SetResult((await socket.ReceiveToEndAsync()).Length));
        await using var proxy = await LoopbackProxy.StartAsync(Tcp(), backend.EndPoint);
        proxy.SetBehavior(DelegateBehavior.OnRequests(context => context.Close()));
        using var client = await proxy.ConnectAsync();

        await client.SendAllAsync("ping"u8.ToArray());

        Assert.True(await client.WaitForCloseAsync(), "A graceful close is a FIN, not a reset.");
        Assert.Equal(0, await backendGot.Task.WaitAsync(TestTimeouts.Network));
    }

    [Fact]
    public async Task Reset_OnRequest_BothPeersSeeConnectionReset()
    {
        var backendSaw = new TaskCompletionSource<SocketError?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = LoopbackServer.Start(async (socket, _) =>
        {
            try
            {
                await socket.ReceiveToEndAsync();
                backendSaw.SetResult(null);
            }
            catch (SocketException e)
            {
                backendSaw.SetResult(e.SocketErrorCode);
            }
        });
        await using var proxy = await LoopbackProxy.StartAsync(Tcp(), backend.EndPoint);
        proxy.SetBehavior(DelegateBehavior.OnRequests(context => context.Reset()));
        using var client = await proxy.ConnectAsync();

        await client.SendAllAsync("ping"u8.ToArray());
        var error = await Assert.ThrowsAsync<SocketException>(() => client.ReceiveOnceAsync(new byte[16]));

        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        Assert.Equal(SocketError.ConnectionReset, await backendSaw.Task.WaitAsync(TestTimeouts.Network));
    }

    [Fact]
    public async Task Hang_OnRequest_ClientGetsNothingAndTheConnectionIsReleasedWhenTheClientLeaves()
    {
        var backendGot = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = LoopbackServer.Start(async (socket, _) => backendGot.SetResult((await socket.ReceiveToEndAsync()).Length));
        await using var proxy = await LoopbackProxy.StartAsync(Tcp(), backend.EndPoint, new LoopbackProxyOptions { StayConnected = true });
        proxy.SetBehavior(DelegateBehavior.OnRequests(context => context.HangAsync()));
        var client = await proxy.ConnectAsync();

        await client.SendAllAsync("ping"u8.ToArray());
        await Assert.ThrowsAsync<TimeoutException>(() => client.ReceiveOnceAsync(new byte[16], ShortWait));

        // What the client sends meanwhile is read and dropped: it never backs up into the client's socket.
        await client.SendAllAsync(new byte[4 << 20]);
        Assert.Equal(1, proxy.ConnectionCount);

        client.Dispose();
        await WaitFor.ConditionAsync(() => proxy.ConnectionCount == 0, "the hung connection to be released");
        Assert.Equal(0, await backendGot.Task.WaitAsync(TestTimeouts.Network));
    }

    [Fact]
    public async Task Delay_OnRequest_HoldsTheRequestUntilTimePasses()
    {
        var time = new ManualTimeProvider();
        var backendBytes = 0;
        var delaying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = LoopbackServer.Start(async (socket, token) =>
        {
            var buffer = new byte[64];
            int received;
            while ((received = await socket.ReceiveAsync(buffer, SocketFlags.None, token)) > 0)
            {
                Interlocked.Add(ref backendBytes, received);
                await socket.SendAllAsync(buffer.AsMemory(0, received));
            }
        });
        await using var proxy = await LoopbackProxy.StartAsync(Tcp(), backend.EndPoint, new LoopbackProxyOptions { Time = time, StayConnected = true });
        proxy.SetBehavior(DelegateBehavior.OnRequests(context =>
        {
            delaying.TrySetResult();
            return context.DelayAsync(TimeSpan.FromSeconds(5));
        }));
        using var client = await proxy.ConnectAsync();

        await client.SendAllAsync("ping"u8.ToArray());
        await delaying.Task.WaitAsync(TestTimeouts.Network);
        await time.WaitForPendingTimersAsync(1, TestTimeouts.Network);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, Volatile.Read(ref backendBytes));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("ping", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(4)));
    }

    [Fact]
    public async Task RunAsync_PolicyChangesToPassThroughMidConnection_BytesStayInOrder()
    {
        await using var backend = LoopbackServer.Echo();
        await using var proxy = await LoopbackProxy.StartAsync(Tcp(), backend.EndPoint);
        proxy.SetBehavior(new DelegateBehavior());
        using var client = await proxy.ConnectAsync();

        var expected = new MemoryStream();
        for (var round = 0; round < 20; round++)
        {
            if (round % 2 == 0)
            {
                proxy.ClearBehaviors();
            }
            else
            {
                proxy.SetBehavior(new DelegateBehavior());
            }

            var message = Encoding.ASCII.GetBytes($"message {round};");
            expected.Write(message);
            await client.SendAllAsync(message);
        }

        client.Shutdown(SocketShutdown.Send);

        Assert.Equal(expected.ToArray(), await client.ReceiveToEndAsync());
    }
}
