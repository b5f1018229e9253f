using System.Net;
using System.Net.Sockets;
using Vaurien.Testing.Network;
using Vaurien.Testing.Servers;

namespace Vaurien.Protocols.Tests;

/// <summary>
/// Each protocol's loop allocates (almost) nothing per request, also with many clients waiting at once: a loop that
/// waits for the peer inside per-request helpers allocated their state machines on every request once the pools ran dry
/// (here 285-730 bytes a request, before the loops waited for themselves; about 1 in pass-through and 58 framed after).
/// Framed: a behavior is configured, so every request is an exchange, but dummy is nearly always the one chosen, which
/// is what a configured behavior costs while it does not act.
/// </summary>
[Collection(nameof(AllocationCollection))]
public sealed class RoundTripAllocationTests(RedisServer redis, MemcacheServer memcached, MysqlServer mysql, SmtpServer smtp)
    : IClassFixture<RedisServer>, IClassFixture<MemcacheServer>, IClassFixture<MysqlServer>, IClassFixture<SmtpServer>
{
    private const int Clients = 20;
    private const int PerClient = 300;

    // Bytes per request: with dummy alone what is left is a few bytes; an exchange adds its object (~50 bytes), and the
    // behavior's context on the 1% of requests that choose it.
    private const double PassThroughBound = 48;
    private const double FramedBound = 160;

    private static readonly byte[] HttpResponse = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task Redis_ManyClientsAtOnce_AllocateLittlePerRequest(bool framed) =>
        AssertLittleAsync(RedisTests.Redis(), redis.EndPoint, framed, p => p.ConnectAsync(), "*1\r\n$4\r\nPING\r\n"u8.ToArray(), static reply => reply.EndsWith("\r\n"u8));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task Memcache_ManyClientsAtOnce_AllocateLittlePerRequest(bool framed) =>
        AssertLittleAsync(
            MemcacheTests.Memcache(), memcached.EndPoint, framed, p => p.ConnectAsync(), "get round-trip-allocation-absent\r\n"u8.ToArray(), static reply => reply.EndsWith("END\r\n"u8));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task Mysql_ManyClientsAtOnce_AllocateLittlePerRequest(bool framed) =>
        AssertLittleAsync(MysqlTests.Mysql(), mysql.EndPoint, framed, p => MysqlWire.ConnectAsync(p.EndPoint), MysqlWire.Command(MysqlWire.ComQuery, "SELECT 1"), ResultSetComplete);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task Smtp_ManyClientsAtOnce_AllocateLittlePerRequest(bool framed) =>
        AssertLittleAsync(SmtpTests.Smtp(), smtp.EndPoint, framed, ConnectSmtpAsync, "NOOP\r\n"u8.ToArray(), static reply => reply.EndsWith("\r\n"u8));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Http_ManyClientsAtOnce_AllocateLittlePerRequest(bool framed)
    {
        // Kestrel would allocate in this process: a backend that answers every head with the same bytes, allocating nothing.
        await using var backend = LoopbackServer.Start(AnswerHeadsAsync);
        await AssertLittleAsync(
            HttpTests.Http(), backend.EndPoint, framed, p => p.ConnectAsync(), "GET / HTTP/1.1\r\nHost: test\r\n\r\n"u8.ToArray(), static reply => reply.Length >= HttpResponse.Length);
    }

    private static async Task AssertLittleAsync(
        IProtocol protocol, IPEndPoint backend, bool framed, Func<LoopbackProxy, Task<Socket>> connect, byte[] request, RoundTripAllocation.ReplyComplete complete)
    {
        await using var proxy = await LoopbackProxy.StartAsync(protocol, backend);
        if (framed)
        {
            proxy.SetPolicy((1, new DelegateBehavior(), null));
        }

        var perRequest = await RoundTripAllocation.QuietestBytesPerRoundTripAsync(() => connect(proxy), Clients, request, complete, PerClient);
        var bound = framed ? FramedBound : PassThroughBound;
        Assert.True(perRequest <= bound, $"{perRequest:F1} bytes allocated per request ({(framed ? "framed" : "pass-through")}), expected at most {bound}.");
    }

    // A result set in the classic protocol (the test client does not ask for CLIENT_DEPRECATE_EOF): column count,
    // column definitions, EOF, rows, EOF. An ERR ends it too.
    private static bool ResultSetComplete(ReadOnlySpan<byte> received)
    {
        var eofs = 0;
        while (received.Length >= 4)
        {
            var length = received[0] | (received[1] << 8) | (received[2] << 16);
            if (received.Length < 4 + length || length == 0)
            {
                return false;
            }

            var header = received[4];
            if (header == 0xFF || (header == 0xFE && length < 9 && ++eofs == 2))
            {
                return true;
            }

            received = received[(4 + length)..];
        }

        return false;
    }

    private static async Task<Socket> ConnectSmtpAsync(LoopbackProxy proxy)
    {
        var socket = await proxy.ConnectAsync();
        try
        {
            // The greeting, one line from aiosmtpd.
            var greeting = new byte[512];
            var received = 0;
            while (received == 0 || !greeting.AsSpan(0, received).EndsWith("\r\n"u8))
            {
                var read = await socket.ReceiveOnceAsync(greeting.AsMemory(received));
                Assert.True(read > 0, "The SMTP server closed before its greeting.");
                received += read;
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task AnswerHeadsAsync(Socket socket, CancellationToken token)
    {
        var buffer = new byte[4096];
        var held = 0;
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(held), SocketFlags.None, token);
            if (read == 0)
            {
                return;
            }

            held += read;
            int end;
            while ((end = buffer.AsSpan(0, held).IndexOf("\r\n\r\n"u8)) >= 0)
            {
                await socket.SendAsync(HttpResponse, SocketFlags.None, token);
                var rest = held - (end + 4);
                buffer.AsSpan(end + 4, rest).CopyTo(buffer);
                held = rest;
            }
        }
    }
}
