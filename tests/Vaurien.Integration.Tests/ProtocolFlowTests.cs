using System.Net;
using Vaurien.Integration.Tests.Support;
using Vaurien.Testing.Network;
using Vaurien.Testing.Servers;

namespace Vaurien.Integration.Tests;

/// <summary>
/// redis and http as a user runs them: the real executable loading the built-in plugins, configured by the flags
/// derived from each protocol's options, in front of a real server and driven by its real client.
/// </summary>
public sealed class ProtocolFlowTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Redis_ErrorWithMessageFlag_RedisCliPrintsTheBackendKindOfError()
    {
        await using var proxy = await VaurienProcess.StartAsync(
            "--proxy", "127.0.0.1:0", "--backend", $"127.0.0.1:{redis.EndPoint.Port}", "--protocol", "redis",
            "--behavior", "100:error", "--protocol-redis-error-message", "READONLY You can't write against a read only replica.");

        var output = await RedisCli.RunAsync(proxy.ProxyEndPoint, "SET", "flow", "1");

        Assert.Equal("(error) READONLY You can't write against a read only replica.", output.Trim());
    }

    [Fact]
    public async Task Http_ErrorCodesFlag_HttpClientGetsThatStatusAndTheBackendIsNotCalled()
    {
        await using var backend = await HttpBackend.StartAsync();
        await using var proxy = await VaurienProcess.StartAsync(
            "--proxy", "127.0.0.1:0", "--backend", $"127.0.0.1:{backend.Port}", "--protocol", "http",
            "--behavior", "100:error", "--protocol-http-error-codes", "503");
        using var client = new HttpClient { Timeout = TestTimeouts.Network };

        using var response = await client.GetAsync($"http://{proxy.ProxyEndPoint}/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.ConnectionClose);
        Assert.Equal(0, backend.Requests);
    }

    [Fact]
    public async Task Http_Dummy_KeepAliveRequestsReachTheBackend()
    {
        await using var backend = await HttpBackend.StartAsync();
        await using var proxy = await VaurienProcess.StartAsync(
            "--proxy", "127.0.0.1:0", "--backend", $"127.0.0.1:{backend.Port}", "--protocol", "http", "--behavior", "100:dummy");
        using var client = new HttpClient { Timeout = TestTimeouts.Network };

        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal($"hello {i}", await client.GetStringAsync($"http://{proxy.ProxyEndPoint}/"));
        }

        Assert.Equal(256 * 1024, (await client.GetStringAsync($"http://{proxy.ProxyEndPoint}/big")).Length);
    }

    [Fact]
    public async Task Redis_DummyPipeline_RepliesInOrder()
    {
        await using var proxy = await VaurienProcess.StartAsync(
            "--proxy", "127.0.0.1:0", "--backend", $"127.0.0.1:{redis.EndPoint.Port}", "--protocol", "redis", "--behavior", "100:dummy");

        var output = await RedisCli.RunAsync(proxy.ProxyEndPoint, "EVAL", "return {1,2,{3,'x'}}", "0");

        Assert.Equal("1) (integer) 1\n2) (integer) 2\n3) 1) (integer) 3\n   2) \"x\"", output.Trim());
    }
}
