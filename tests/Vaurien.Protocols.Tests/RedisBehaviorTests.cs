using System.Diagnostics;
using System.Text;
using Vaurien.Behaviors;
using Vaurien.Testing.Network;
using Vaurien.Testing.Servers;

namespace Vaurien.Protocols.Tests;

/// <summary>Vaurien's real behaviors on the redis protocol, in front of a real redis-server.</summary>
[Collection(TimingCollection.Name)]
public sealed class RedisBehaviorTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const double Sleep = 0.2;

    [Fact]
    public async Task Delay_CommandsSplitOverSeveralReads_AreEachDelayedOnce()
    {
        const int commands = 8;
        await using var proxy = await LoopbackProxy.StartAsync(RedisTests.Redis(), redis.EndPoint);
        proxy.SetBehavior(Behavior("delay"), new DelayOptions { Sleep = Sleep });
        using var client = await proxy.ConnectAsync();

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < commands; i++)
        {
            var command = Encoding.ASCII.GetBytes(RedisTests.Command("SET", "delayed" + i, "value"));

            // Three sends with a pause between them: traffic shaping, so the proxy sees the command in several reads.
            foreach (var piece in command.Chunk((command.Length / 3) + 1))
            {
                await client.SendAllAsync(piece);
                await Task.Delay(10);
            }

            Assert.Equal("+OK\r\n", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(5)));
        }

        TimingCollection.AssertEachDelayedOnce(clock.Elapsed, commands, Sleep);
    }

    [Fact]
    public async Task Transient_AgitateTwo_FailsTheFirstTwoCommandsThenWorks()
    {
        await using var proxy = await LoopbackProxy.StartAsync(RedisTests.Redis(), redis.EndPoint);
        proxy.SetBehavior(Behavior("transient"), new TransientOptions { Agitate = 2 });

        var replies = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            replies.Add((await RedisCli.RunAsync(proxy.EndPoint, "PING")).Trim());
        }

        Assert.Equal(["(error) ERR Vaurien injected error", "(error) ERR Vaurien injected error", "PONG", "PONG"], replies);
    }

    [Fact]
    public async Task Error_OnOneConnection_TakesEachCommandsPlaceAndTheConnectionStaysUsable()
    {
        await using var proxy = await LoopbackProxy.StartAsync(RedisTests.Redis(), redis.EndPoint, new LoopbackProxyOptions { StayConnected = true });
        using var client = await proxy.ConnectAsync();
        await client.SendAllAsync(Encoding.ASCII.GetBytes(RedisTests.Command("SET", "err", "before")));
        Assert.Equal("+OK\r\n", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(5)));

        proxy.SetBehavior(Behavior("error"), new ErrorOptions());
        var pipeline = RedisTests.Command("SET", "err", "during") + RedisTests.Command("GET", "err");
        await client.SendAllAsync(Encoding.ASCII.GetBytes(pipeline));
        var error = "-ERR Vaurien injected error\r\n";
        Assert.Equal(error + error, Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(error.Length * 2)));

        proxy.ClearBehaviors();
        await client.SendAllAsync(Encoding.ASCII.GetBytes(RedisTests.Command("GET", "err")));
        Assert.Equal("$6\r\nbefore\r\n", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(12)));
    }

    private static IBehavior Behavior(string name) => Exports.Behavior(typeof(DelayOptions).Assembly, name);
}
