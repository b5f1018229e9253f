using System.Net;
using System.Net.Sockets;
using System.Text;
using Vaurien.Integration.Tests.Support;
using Vaurien.Testing.Network;
using Vaurien.Testing.Servers;

namespace Vaurien.Integration.Tests;

/// <summary>
/// memcache and smtp as a user runs them: the real executable, its derived error flags, the real server, the
/// protocol's text spoken on a socket as the real clients speak it.
/// </summary>
public sealed class TextProtocolFlowTests(MemcacheServer memcached, SmtpServer smtp) : IClassFixture<MemcacheServer>, IClassFixture<SmtpServer>
{
    [Fact]
    public async Task Memcache_ErrorWithMessageFlag_IsAServerErrorInTheCommandsPlace()
    {
        await using var proxy = await VaurienProcess.StartAsync(
            "--proxy", "127.0.0.1:0", "--backend", $"127.0.0.1:{memcached.EndPoint.Port}", "--protocol", "memcache",
            "--behavior", "100:error", "--protocol-memcache-error-message", "out of memory storing object");
        using var client = await SocketTestExtensions.ConnectLoopbackAsync(proxy.ProxyEndPoint);

        await client.SendAllAsync("get flow\r\nversion\r\n"u8.ToArray());
        var expected = "SERVER_ERROR out of memory storing object\r\n";
        var replies = Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(expected.Length * 2));

        Assert.Equal(expected + expected, replies);
    }

    [Fact]
    public async Task Smtp_ErrorCodeFlag_ReplacesTheReplyAndTheGreetingStillArrives()
    {
        await using var proxy = await VaurienProcess.StartAsync(
            "--proxy", "127.0.0.1:0", "--backend", $"127.0.0.1:{smtp.EndPoint.Port}", "--protocol", "smtp",
            "--behavior", "100:error", "--protocol-smtp-error-code", "421", "--protocol-smtp-error-message", "4.3.2 try later");
        using var client = await SocketTestExtensions.ConnectLoopbackAsync(proxy.ProxyEndPoint);

        var greeting = await ReadLineAsync(client);
        await client.SendAllAsync("EHLO flow.test\r\n"u8.ToArray());
        var reply = await ReadLineAsync(client);

        Assert.StartsWith("220", greeting);
        Assert.Equal("421 4.3.2 try later\r\n", reply);
    }

    // One CRLF-terminated line, byte by byte: enough for a greeting or a one-line reply.
    private static async Task<string> ReadLineAsync(Socket socket)
    {
        var line = new StringBuilder();
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            line.Append((char)(await socket.ReceiveExactlyAsync(1))[0]);
        }

        return line.ToString();
    }
}
