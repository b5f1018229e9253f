using Microsoft.Extensions.Logging;
using Vaurien.Testing.Logging;
using Vaurien.Testing.Network;
using Xunit;

namespace Vaurien.Host.Proxy.Tests;

[Collection(nameof(DataPathCollection))]
public sealed class ProxyDataPathTests
{
    [Fact]
    public async Task PassThrough_256MiB_AllocatesFarLessThanOneObjectPerRead()
    {
        const long WarmUp = 32L << 20;
        const long Round = 64L << 20;
        const int Rounds = 4;

        // The bound below is a tenth of one object per 16 KiB moved. The proxy reads at most a few 64 KiB buffers at
        // once, so one object per read would be at least a tenth of that and shows in every round.
        const long UnitsPerRound = Round / 16384;
        var marks = new long[Rounds + 1];
        var next = 0;
        await using var backend = LoopbackServer.Start(async (socket, token) =>
        {
            // Process-wide counts, taken on the receiving thread as each mark passes (no allocation in here).
            await HashedTraffic.ReceiveAsync(
                socket,
                count =>
                {
                    if (next <= Rounds && count >= WarmUp + (next * Round))
                    {
                        marks[next++] = GC.GetTotalAllocatedBytes(precise: true);
                    }
                },
                token);
        });
        await using var proxy = await LoopbackProxy.StartAsync(TestProxies.Tcp(), backend.EndPoint);
        using var client = await proxy.ConnectAsync();

        await HashedTraffic.SendAsync(client, 5, WarmUp + (Rounds * Round)).WaitAsync(TestTimeouts.Network);
        await WaitFor.ConditionAsync(() => Volatile.Read(ref next) > Rounds, "the backend to receive everything");

        // The count is process-wide, and the test host allocates now and then on its own (hundreds of KiB at once,
        // reporting to the runner): the quietest round shows what the data path costs, as a per-read cost would
        // show in every round. The smallest object is 24 bytes.
        var quietest = Enumerable.Range(0, Rounds).Min(i => marks[i + 1] - marks[i]);
        Assert.InRange(quietest, 0, UnitsPerRound * 24 / 10);
    }

    [Fact]
    public async Task Accept_ConnectionsClosedAbruptlyWhileDataFlows_NothingEscapesAndTheProxyStillServes()
    {
        const int Connections = 200;
        var logs = new CapturedLogs();
        var unobserved = 0;
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => Interlocked.Increment(ref unobserved);
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            await using var backend = LoopbackServer.Echo();
            await using var proxy = await LoopbackProxy.StartAsync(TestProxies.Tcp(), backend.EndPoint, new LoopbackProxyOptions { Loggers = logs.Factory });
            var payload = new byte[64 * 1024];

            await Parallel.ForEachAsync(Enumerable.Range(0, Connections), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            {
                var client = await proxy.ConnectAsync();
                switch (i % 4)
                {
                    case 0:
                        // Gone before a byte moved.
                        client.CloseWithReset();
                        break;
                    case 1:
                        // Reset while the request is on its way.
                        var sending = client.SendAsync(payload, System.Net.Sockets.SocketFlags.None);
                        client.CloseWithReset();
                        await ((Task)sending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                        break;
                    case 2:
                        // Reset while the echo streams back.
                        await client.SendAllAsync(payload);
                        await client.ReceiveExactlyAsync(1024);
                        client.CloseWithReset();
                        break;
                    default:
                        // A plain close with unread data in flight.
                        await client.SendAllAsync(payload);
                        client.Dispose();
                        break;
                }
            });

            await WaitFor.ConditionAsync(() => proxy.ConnectionCount == 0, "every connection to be torn down");
            using var client = await proxy.ConnectAsync();
            await client.SendAllAsync("ping"u8.ToArray());
            Assert.Equal("ping"u8.ToArray(), await client.ReceiveExactlyAsync(4));
            Assert.Empty(logs.AtLeast(LogLevel.Error));
            await WaitFor.ConditionAsync(() => proxy.BufferedBytes == 0, "every buffer to be back in the pool");
        }
        finally
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }

        Assert.Equal(0, unobserved);
    }
}
