using System.Net;
using StackExchange.Redis;
using Vaurien.Behaviors;
using Vaurien.Testing.Network;
using Vaurien.Testing.Servers;

namespace Vaurien.Protocols.Tests;

/// <summary>StackExchange.Redis, a real .NET client, through the redis protocol in front of a real redis-server.</summary>
public sealed class RedisClientTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Workload_MsetMgetHashLargeValueAndPipeline_SameResultsAsDirect(bool framed)
    {
        await using var proxy = await LoopbackProxy.StartAsync(RedisTests.Redis(), redis.EndPoint, new LoopbackProxyOptions { StayConnected = true });
        if (framed)
        {
            proxy.SetBehavior(new DelegateBehavior());
        }

        var direct = await WorkloadAsync(redis.EndPoint, "direct");
        var proxied = await WorkloadAsync(proxy.EndPoint, "proxied");

        Assert.Equal(direct, proxied);
        Assert.Contains("mget=one,two,", proxied);
        Assert.Contains("big=1048576:" + new string('v', 8), proxied);
        Assert.Contains("last=100", proxied);
    }

    [Fact]
    public async Task Error_StackExchangeRedis_ThrowsRedisServerExceptionAndTheConnectionStaysUsable()
    {
        await using var proxy = await LoopbackProxy.StartAsync(RedisTests.Redis(), redis.EndPoint, new LoopbackProxyOptions { StayConnected = true });
        var mux = await ConnectAsync(proxy.EndPoint);
        try
        {
            var db = mux.GetDatabase();
            await db.StringSetAsync("se-error", "kept");

            proxy.SetBehavior(Exports.Behavior(typeof(ErrorOptions).Assembly, "error"), new ErrorOptions());
            var error = await Assert.ThrowsAsync<RedisServerException>(() => db.StringGetAsync("se-error"));
            Assert.Equal("ERR Vaurien injected error", error.Message);

            proxy.ClearBehaviors();
            Assert.Equal("kept", (string?)await db.StringGetAsync("se-error"));
            Assert.True(mux.IsConnected);
        }
        finally
        {
            await CloseAsync(mux);
        }
    }

    // The same commands on fresh keys, summed up as text: what the application would see.
    private static async Task<string> WorkloadAsync(IPEndPoint endPoint, string prefix)
    {
        var mux = await ConnectAsync(endPoint);
        try
        {
            return await WorkloadAsync(mux.GetDatabase(), prefix);
        }
        finally
        {
            await CloseAsync(mux);
        }
    }

    private static async Task<string> WorkloadAsync(IDatabase db, string prefix)
    {
        await db.KeyDeleteAsync([prefix + "a", prefix + "b", prefix + "h", prefix + "big", prefix + "n"]);
        await db.StringSetAsync([new(prefix + "a", "one"), new(prefix + "b", "two")]);
        var mget = await db.StringGetAsync([prefix + "a", prefix + "b", prefix + "missing"]);
        await db.HashSetAsync(prefix + "h", [new("f1", "x"), new("f2", "y")]);
        var hash = (await db.HashGetAllAsync(prefix + "h")).OrderBy(e => (string?)e.Name, StringComparer.Ordinal);
        await db.StringSetAsync(prefix + "big", new string('v', 1 << 20));
        var big = (string?)await db.StringGetAsync(prefix + "big") ?? "";

        // 100 commands in one write: StackExchange.Redis sends a batch as one pipeline.
        var batch = db.CreateBatch();
        var increments = Enumerable.Range(0, 100).Select(_ => batch.StringIncrementAsync(prefix + "n")).ToList();
        batch.Execute();
        var counts = await Task.WhenAll(increments);

        return $"mget={string.Join(",", mget.Select(v => (string?)v))};hash={string.Join(",", hash.Select(e => $"{e.Name}={e.Value}"))};"
            + $"big={big.Length}:{big[..8]};counts={string.Join(",", counts)};last={counts[^1]}";
    }

    // Dispose alone waits out SyncTimeout in this version on .NET Core; closing without draining is immediate.
    private static async Task CloseAsync(ConnectionMultiplexer mux)
    {
        await mux.CloseAsync(allowCommandsToComplete: false);
        mux.Dispose();
    }

    private static async Task<ConnectionMultiplexer> ConnectAsync(IPEndPoint endPoint)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { endPoint },
            ConnectTimeout = (int)TestTimeouts.Network.TotalMilliseconds,
            SyncTimeout = (int)TestTimeouts.Network.TotalMilliseconds,
            AbortOnConnectFail = true,
        };
        return await ConnectionMultiplexer.ConnectAsync(options);
    }
}
