using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Vaurien.Host.Options;
using Vaurien.Testing.Logging;
using Vaurien.Testing.Network;
using Vaurien.Testing.Time;
using Xunit;

namespace Vaurien.Host.Proxy.Tests;

public sealed class ProxyConnectionTests
{
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task IdleTimeout_NothingMovesForTheTimeout_ClosesTheConnection()
    {
        await using var backend = LoopbackServer.Echo();
        await using var proxy = await LoopbackProxy.StartAsync(TestProxies.Tcp(), backend.EndPoint, new LoopbackProxyOptions { Timeout = ShortTimeout });
        using var client = await proxy.ConnectAsync();
        await RoundTripAsync(client, "ping");
        var idleSince = Stopwatch.GetTimestamp();

        Assert.True(await client.WaitForCloseAsync(), "An idle timeout is a graceful close.");
        Assert.InRange(Stopwatch.GetElapsedTime(idleSince), ShortTimeout - TimeSpan.FromMilliseconds(100), TestTimeouts.Network);
        await WaitFor.ConditionAsync(() => proxy.ConnectionCount == 0, "the idle connection to be torn down");
    }

    [Fact]
    public async Task IdleTimeout_TrafficWithinTheTimeout_PushesTheDeadlineBack()
    {
        var time = new ManualTimeProvider();
        await using var backend = LoopbackServer.Echo();
        await using var proxy = await LoopbackProxy.StartAsync(TestProxies.Tcp(), backend.EndPoint, new LoopbackProxyOptions { Timeout = ShortTimeout, Time = time });
        using var client = await proxy.ConnectAsync();

        for (var i = 0; i < 3; i++)
        {
            await RoundTripAsync(client, "ping");
            await QuiesceAsync(proxy);
            time.Advance(ShortTimeout - TimeSpan.FromMilliseconds(1));
        }

        await RoundTripAsync(client, "still open");
        await QuiesceAsync(proxy);
        time.Advance(ShortTimeout);

        Assert.True(await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task IdleTimeout_StayConnected_KeepsAnIdleConnection()
    {
        var time = new ManualTimeProvider();
        await using var backend = LoopbackServer.Echo();
        await using var proxy = await LoopbackProxy.StartAsync(
            TestProxies.Tcp(), backend.EndPoint, new LoopbackProxyOptions { Timeout = ShortTimeout, StayConnected = true, Time = time });
        using var client = await proxy.ConnectAsync();
        await RoundTripAsync(client, "ping");

        time.Advance(TimeSpan.FromHours(1));

        await RoundTripAsync(client, "still open");
        Assert.Equal(1, proxy.ConnectionCount);
    }

    [Fact]
    public async Task IdleConnection_AfterTraffic_HoldsNoBuffer()
    {
        await using var backend = LoopbackServer.Echo();
        await using var proxy = await LoopbackProxy.StartAsync(TestProxies.Tcp(), backend.EndPoint);
        using var client = await proxy.ConnectAsync();
        var payload = new byte[256 * 1024];
        Random.Shared.NextBytes(payload);

        await client.SendAllAsync(payload);
        Assert.Equal(payload, await client.ReceiveExactlyAsync(payload.Length));

        // Both receive loops wait with a zero-byte read: once the pipes drain, every segment is back in the pool.
        await WaitFor.ConditionAsync(() => proxy.BufferedBytes == 0, "the idle connection to return its buffers");
        Assert.Equal(1, proxy.ConnectionCount);
    }

    [Fact]
    public async Task Backpressure_ClientReadsNothing_ProxyBuffersStayBoundedThenEverythingArrives()
    {
        const long Size = 64L << 20;

        // Per direction, the input pauses its receive loop at 4 buffers (a bulk read takes only the room left below that)
        // and the output's flush waits for the socket: a few hundred KiB at most.
        const long Bound = 1L << 20;
        var backendSent = 0L;
        await using var backend = LoopbackServer.Start((socket, token) =>
            HashedTraffic.SendAsync(socket, 3, Size, sent => Volatile.Write(ref backendSent, sent), token));
        await using var proxy = await LoopbackProxy.StartAsync(TestProxies.Tcp(), backend.EndPoint);
        using var client = await proxy.ConnectAsync();
        using var sampling = new CancellationTokenSource();
        var peak = SamplePeakAsync(() => proxy.BufferedBytes, sampling.Token);

        await WaitForStallAsync(() => Volatile.Read(ref backendSent));
        var stalledAt = Volatile.Read(ref backendSent);
        await sampling.CancelAsync();

        Assert.InRange(stalledAt, 1, Size - 1);
        Assert.InRange(await peak, 1, Bound);
        var received = await HashedTraffic.ReceiveAsync(client).WaitAsync(TestTimeouts.Network);
        Assert.Equal(Size, received.Count);
        Assert.Equal(HashedTraffic.HashOf(3, Size), received.Hash);
    }

    [Fact]
    public async Task ReuseSocket_TwoClientsOneAfterTheOther_TheBackendAcceptsOnce()
    {
        await using var backend = LoopbackServer.Echo();
        await using var proxy = await LoopbackProxy.StartAsync(TestProxies.Tcp(), backend.EndPoint, new LoopbackProxyOptions { ProtocolOptions = TcpOptions(reuseSocket: true) });

        using (var first = await proxy.ConnectAsync())
        {
            await RoundTripAsync(first, "one");
            first.Shutdown(SocketShutdown.Send);
            Assert.Empty(await first.ReceiveToEndAsync());
        }

        await WaitFor.ConditionAsync(() => proxy.PooledBackendCount == 1, "the backend connection to be kept");
        using var second = await proxy.ConnectAsync();
        await RoundTripAsync(second, "two");

        Assert.Equal(1, backend.AcceptedCount);
        Assert.Equal(0, proxy.PooledBackendCount);
    }

    [Fact]
    public async Task ReuseSocket_BackendClosedWhileKept_TheNextClientGetsANewConnection()
    {
        var closeNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = LoopbackServer.Start(async (socket, token) =>
        {
            var buffer = new byte[64];
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, token);
            await socket.SendAllAsync(buffer.AsMemory(0, received));
            await closeNow.Task.WaitAsync(token);
        });
        await using var proxy = await LoopbackProxy.StartAsync(TestProxies.Tcp(), backend.EndPoint, new LoopbackProxyOptions { ProtocolOptions = TcpOptions(reuseSocket: true) });
        using (var first = await proxy.ConnectAsync())
        {
            await RoundTripAsync(first, "one");
        }

        await WaitFor.ConditionAsync(() => proxy.PooledBackendCount == 1, "the backend connection to be kept");
        closeNow.SetResult();
        await WaitFor.ConditionAsync(() => backend.ActiveCount == 0, "the backend to close its side");

        using var second = await proxy.ConnectAsync();
        await RoundTripAsync(second, "two");
        Assert.Equal(2, backend.AcceptedCount);
    }

    [Fact]
    public async Task Behavior_Throws_ClosesThatConnectionWithOneWarningAndTheProxyGoesOn()
    {
        var logs = new CapturedLogs();
        await using var backend = LoopbackServer.Echo();
        await using var proxy = await LoopbackProxy.StartAsync(TestProxies.Tcp(), backend.EndPoint, new LoopbackProxyOptions { Loggers = logs.Factory });
        proxy.SetBehavior(new DelegateBehavior(_ => throw new InvalidOperationException("boom")));

        using (var failing = await proxy.ConnectAsync())
        {
            await failing.SendAllAsync("ping"u8.ToArray());
            Assert.True(await failing.WaitForCloseAsync());
        }

        var warning = Assert.Single(logs.AtLeast(LogLevel.Warning));
        Assert.Equal("BehaviorFailed", warning.EventId.Name);
        Assert.Contains("InvalidOperationException: boom", warning.Message, StringComparison.Ordinal);
        proxy.ClearBehaviors();
        using var next = await proxy.ConnectAsync();
        await RoundTripAsync(next, "ping");
    }

    [Fact]
    public async Task ReplaceData_InOnAfterHandle_IsRefusedAndClosesTheConnection()
    {
        var logs = new CapturedLogs();
        await using var backend = LoopbackServer.Echo();
        await using var proxy = await LoopbackProxy.StartAsync(TestProxies.Tcp(), backend.EndPoint, new LoopbackProxyOptions { Loggers = logs.Factory });
        proxy.SetBehavior(new DelegateBehavior(after: context =>
        {
            // Requests only: the echo may come back before the close, and its exchange must not fail too.
            if (context.Direction == Direction.ToBackend)
            {
                context.ReplaceData("late"u8.ToArray());
            }

            return ValueTask.CompletedTask;
        }));
        using var client = await proxy.ConnectAsync();

        await client.SendAllAsync("ping"u8.ToArray());

        Assert.True(await client.WaitForCloseAsync());
        Assert.Contains("only allowed in OnBeforeHandle", Assert.Single(logs.AtLeast(LogLevel.Warning)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchanges_OneAfterAnother_SeeIncreasingCallNumbersAndTheirReadInBothHooks()
    {
        var seen = new System.Collections.Concurrent.ConcurrentQueue<(long Call, Direction Direction, string Before, string After)>();
        var befores = new System.Collections.Concurrent.ConcurrentDictionary<long, string>();
        await using var backend = LoopbackServer.Echo();
        await using var proxy = await LoopbackProxy.StartAsync(TestProxies.Tcp(), backend.EndPoint);
        proxy.SetBehavior(new DelegateBehavior(
            before: context =>
            {
                befores[context.CallNumber] = Encoding.ASCII.GetString(context.Data);
                return ValueTask.CompletedTask;
            },
            after: context =>
            {
                seen.Enqueue((context.CallNumber, context.Direction, befores[context.CallNumber], Encoding.ASCII.GetString(context.Data)));
                return ValueTask.CompletedTask;
            }));
        using var client = await proxy.ConnectAsync();

        await RoundTripAsync(client, "a");
        await RoundTripAsync(client, "b");
        await WaitFor.ConditionAsync(() => seen.Count == 4, "four exchanges");

        Assert.Equal(
            [(1L, Direction.ToBackend, "a", "a"), (2L, Direction.ToClient, "a", "a"), (3L, Direction.ToBackend, "b", "b"), (4L, Direction.ToClient, "b", "b")],
            seen.OrderBy(s => s.Call).ToArray());
    }

    [Fact]
    public async Task Delay_ClientResetsMeanwhile_EndsEarlyAndTheResetIsPassedOn()
    {
        var time = new ManualTimeProvider();
        var delaying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
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
        await using var proxy = await LoopbackProxy.StartAsync(TestProxies.Tcp(), backend.EndPoint, new LoopbackProxyOptions { Time = time, StayConnected = true });
        proxy.SetBehavior(DelegateBehavior.OnRequests(context =>
        {
            delaying.TrySetResult();
            return context.DelayAsync(TimeSpan.FromHours(1));
        }));
        var client = await proxy.ConnectAsync();
        await client.SendAllAsync("ping"u8.ToArray());
        await delaying.Task.WaitAsync(TestTimeouts.Network);

        client.CloseWithReset();

        await WaitFor.ConditionAsync(() => proxy.ConnectionCount == 0, "the delayed connection to end without time passing");
        Assert.Equal(SocketError.ConnectionReset, await backendSaw.Task.WaitAsync(TestTimeouts.Network));
    }

    [Fact]
    public async Task Hang_IdleTimeoutPasses_ClosesTheHungConnection()
    {
        var time = new ManualTimeProvider();
        var hanging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = LoopbackServer.Echo();
        await using var proxy = await LoopbackProxy.StartAsync(TestProxies.Tcp(), backend.EndPoint, new LoopbackProxyOptions { Time = time, Timeout = ShortTimeout });
        proxy.SetBehavior(DelegateBehavior.OnRequests(context =>
        {
            hanging.TrySetResult();
            return context.HangAsync();
        }));
        using var client = await proxy.ConnectAsync();
        await client.SendAllAsync("ping"u8.ToArray());
        await hanging.Task.WaitAsync(TestTimeouts.Network);

        time.Advance(ShortTimeout);

        Assert.True(await client.WaitForCloseAsync());
        await WaitFor.ConditionAsync(() => proxy.ConnectionCount == 0, "the hung connection to be torn down");
    }

    private static object TcpOptions(bool reuseSocket)
    {
        var errors = new List<OptionError>();
        var options = OptionSet.ForExtension(TestProxies.Tcp().GetType()).Bind([new("reuse_socket", reuseSocket)], null, errors);
        Assert.Empty(errors);
        return options;
    }

    private static async Task RoundTripAsync(Socket client, string message)
    {
        var bytes = Encoding.ASCII.GetBytes(message);
        await client.SendAllAsync(bytes);
        Assert.Equal(message, Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(bytes.Length)));
    }

    // An output returns its segments to the pool after it noted the activity: an empty pool means no activity is pending.
    private static Task QuiesceAsync(LoopbackProxy proxy) =>
        WaitFor.ConditionAsync(() => proxy.BufferedBytes == 0, "the proxy to go idle");

    private static async Task<long> SamplePeakAsync(Func<long> read, CancellationToken token)
    {
        var peak = 0L;
        while (!token.IsCancellationRequested)
        {
            peak = Math.Max(peak, read());
            await Task.Delay(TimeSpan.FromMilliseconds(2), CancellationToken.None);
        }

        return Math.Max(peak, read());
    }

    // The sender has made no progress for a while: every buffer on the way is full.
    private static Task WaitForStallAsync(Func<long> progress)
    {
        var last = -1L;
        var since = Stopwatch.GetTimestamp();
        return WaitFor.ConditionAsync(
            () =>
            {
                var now = progress();
                if (now != last)
                {
                    last = now;
                    since = Stopwatch.GetTimestamp();
                }

                return now > 0 && Stopwatch.GetElapsedTime(since) > TimeSpan.FromMilliseconds(300);
            },
            "the backend to be held back");
    }
}
