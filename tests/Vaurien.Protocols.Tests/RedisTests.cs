using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Vaurien.Testing.Logging;
using Vaurien.Testing.Network;
using Vaurien.Testing.Servers;

namespace Vaurien.Protocols.Tests;

public sealed class RedisTests(RedisServer redis) : IClassFixture<RedisServer>
{
    internal static IProtocol Redis() => Exports.Protocol(typeof(RedisOptions).Assembly, "redis");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Relay_CommandsAndPipelines_RepliesAreByteIdenticalToTheDirectConnection(bool framed)
    {
        await using var proxy = await LoopbackProxy.StartAsync(Redis(), redis.EndPoint);
        if (framed)
        {
            // A behavior that does nothing still makes every command an exchange: the framed path.
            proxy.SetBehavior(new DelegateBehavior());
        }

        var big = new string('v', 1 << 20);
        var script = new StringBuilder();
        script.Append(Command("DEL", "h", "z"));
        script.Append(Command("MSET", "a", "1", "b", "2"));
        script.Append(Command("MGET", "a", "b", "nope"));
        script.Append(Command("HSET", "h", "f1", "x", "f2", "y"));
        script.Append(Command("HGETALL", "h"));
        script.Append(Command("SET", "big", big));
        script.Append(Command("GET", "big"));
        for (var i = 0; i < 100; i++)
        {
            script.Append(Command("INCR", "counter" + i));
        }

        script.Append("PING\r\n");
        var request = Encoding.ASCII.GetBytes(script.ToString());

        var reset = Command(["DEL", .. Enumerable.Range(0, 100).Select(i => "counter" + i)]);

        // The same commands twice, from the same state, so the counters give the same replies both ways.
        await ExchangeAsync(redis.EndPoint, Encoding.ASCII.GetBytes(script.ToString()));
        var direct = await ExchangeAsync(redis.EndPoint, Encoding.ASCII.GetBytes(reset + script));
        var proxied = await ExchangeAsync(proxy.EndPoint, Encoding.ASCII.GetBytes(reset + script));

        Assert.Equal(direct.Length, proxied.Length);
        Assert.True(direct.AsSpan().SequenceEqual(proxied), "The replies through the proxy differ from the direct ones.");
        Assert.Contains("+PONG\r\n", Encoding.ASCII.GetString(proxied[^7..]));
        Assert.True(request.Length > 1 << 20);
    }

    [Fact]
    public async Task Relay_Resp3_MapsSetsDoublesAndNullsAreByteIdenticalToTheDirectConnection()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Redis(), redis.EndPoint);
        proxy.SetBehavior(new DelegateBehavior());
        var script = Command("HELLO", "3") + Command("DEL", "r3h", "r3s", "r3z") + Command("HSET", "r3h", "f", "v", "g", "w")
            + Command("HGETALL", "r3h") + Command("SADD", "r3s", "x") + Command("SMEMBERS", "r3s") + Command("ZADD", "r3z", "1.5", "m")
            + Command("ZRANGE", "r3z", "0", "-1", "WITHSCORES") + Command("GET", "r3missing") + Command("CONFIG", "GET", "maxmemory*")
            + "PING\r\n";

        // From the same state both times; only HELLO's connection id may differ.
        await ExchangeAsync(redis.EndPoint, Encoding.ASCII.GetBytes(script));
        var direct = await ExchangeAsync(redis.EndPoint, Encoding.ASCII.GetBytes(script));
        var proxied = await ExchangeAsync(proxy.EndPoint, Encoding.ASCII.GetBytes(script));

        Assert.Contains("%2\r\n", Encoding.ASCII.GetString(proxied));
        Assert.Equal(WithoutClientId(direct), WithoutClientId(proxied));
    }

    [Fact]
    public async Task Relay_RedisCliMsetMget_Works()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Redis(), redis.EndPoint);

        Assert.Equal("OK", (await RedisCli.RunAsync(proxy.EndPoint, "MSET", "cli1", "one", "cli2", "two")).Trim());
        Assert.Equal("1) \"one\"\n2) \"two\"", (await RedisCli.RunAsync(proxy.EndPoint, "MGET", "cli1", "cli2")).Trim());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Subscribe_MessagesArriveUnframedAfterwards(bool framed)
    {
        await using var proxy = await LoopbackProxy.StartAsync(Redis(), redis.EndPoint, new LoopbackProxyOptions { StayConnected = true });
        if (framed)
        {
            proxy.SetBehavior(new DelegateBehavior());
        }

        using var subscriber = await proxy.ConnectAsync();

        await subscriber.SendAllAsync(Encoding.ASCII.GetBytes(Command("SUBSCRIBE", "news")));
        var confirmation = "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n";
        Assert.Equal(confirmation, Encoding.ASCII.GetString(await subscriber.ReceiveExactlyAsync(confirmation.Length)));

        var published = await ExchangeAsync(redis.EndPoint, Encoding.ASCII.GetBytes(Command("PUBLISH", "news", "hello")));
        var message = "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n";

        Assert.Equal(":1\r\n", Encoding.ASCII.GetString(published));
        Assert.Equal(message, Encoding.ASCII.GetString(await subscriber.ReceiveExactlyAsync(message.Length)));
    }

    [Fact]
    public async Task Exchanges_HundredPipelinedCommands_AreExactlyHundredExchanges()
    {
        var count = 0;
        await using var proxy = await LoopbackProxy.StartAsync(Redis(), redis.EndPoint);
        proxy.SetBehavior(DelegateBehavior.OnRequests(context =>
        {
            Interlocked.Increment(ref count);
            Assert.Equal("PING", context.Command);
        }));
        var pipeline = string.Concat(Enumerable.Repeat(Command("PING"), 100));

        var replies = await ExchangeAsync(proxy.EndPoint, Encoding.ASCII.GetBytes(pipeline));

        Assert.Equal(string.Concat(Enumerable.Repeat("+PONG\r\n", 100)), Encoding.ASCII.GetString(replies));
        Assert.Equal(100, Volatile.Read(ref count));
    }

    [Fact]
    public async Task ReplyWithError_OnGet_RedisCliPrintsTheErrorAndTheConnectionStaysUsable()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Redis(), redis.EndPoint);
        proxy.SetBehavior(DelegateBehavior.OnRequests(context => context.Command == "GET" ? context.ReplyWithErrorAsync() : ValueTask.CompletedTask));

        var cli = await RedisCli.RunAsync(proxy.EndPoint, "GET", "a");
        Assert.Equal("(error) ERR Vaurien injected error", cli.Trim());

        // On one connection: the error takes the command's place and the next command is answered by the server.
        var replies = await ExchangeAsync(proxy.EndPoint, Encoding.ASCII.GetBytes(Command("SET", "e", "1") + Command("GET", "e") + Command("PING")));
        Assert.Equal("+OK\r\n-ERR Vaurien injected error\r\n+PONG\r\n", Encoding.ASCII.GetString(replies));

        proxy.ClearBehaviors();
        Assert.Equal("\"1\"", (await RedisCli.RunAsync(proxy.EndPoint, "GET", "e")).Trim());
    }

    [Fact]
    public async Task ReplyWithError_WithMessage_IsOneRespErrorLine()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Redis(), redis.EndPoint);
        proxy.SetBehavior(DelegateBehavior.OnRequests(context => context.ReplyWithErrorAsync("BUSY two\r\nlines")));

        var replies = await ExchangeAsync(proxy.EndPoint, "PING\r\n"u8.ToArray());

        Assert.Equal("-BUSY two  lines\r\n", Encoding.ASCII.GetString(replies));
    }

    [Fact]
    public async Task Frame_LengthBeyondMaxFrame_ClosesCleanlyWithOneWarningLine()
    {
        using var logs = new CapturedLogs();
        var options = new LoopbackProxyOptions { ProtocolOptions = new RedisOptions { MaxFrame = 4096 }, Loggers = logs.Factory };
        await using var proxy = await LoopbackProxy.StartAsync(Redis(), redis.EndPoint, options);
        using var client = await proxy.ConnectAsync();

        await client.SendAllAsync("*1\r\n$999999999\r\nxx"u8.ToArray());

        Assert.True(await client.WaitForCloseAsync(), "A frame too large is a FIN, not a reset.");
        var warning = Assert.Single(logs.AtLeast(LogLevel.Warning));
        Assert.Contains("the client sent bytes that are not this protocol, or a frame over the 4096-byte limit", warning.Message);
        Assert.Contains("protocol 'test-protocol'", warning.Message);
    }

    private static string WithoutClientId(byte[] replies) =>
        Regex.Replace(Encoding.ASCII.GetString(replies), "\\$2\r\nid\r\n:[0-9]+\r\n", "$$2\r\nid\r\n:N\r\n");

    internal static string Command(params string[] parts) =>
        $"*{parts.Length}\r\n" + string.Concat(parts.Select(p => $"${Encoding.ASCII.GetByteCount(p)}\r\n{p}\r\n"));

    // Sends the request, half-closes, and reads every reply up to the server's FIN.
    private static async Task<byte[]> ExchangeAsync(IPEndPoint endPoint, byte[] request)
    {
        using var socket = await SocketTestExtensions.ConnectLoopbackAsync(endPoint);
        var send = socket.SendAllAsync(request);
        var receive = ReceiveAfterQuitAsync(socket, send);
        return await receive;
    }

    private static async Task<byte[]> ReceiveAfterQuitAsync(Socket socket, Task send)
    {
        await send;
        socket.Shutdown(SocketShutdown.Send);
        return await socket.ReceiveToEndAsync();
    }
}
