using Vaurien.Client.Tests.Support;
using Vaurien.TestHost;

namespace Vaurien.Client.Tests;

/// <summary>
/// The example of docs/control-api.md, Vaurien's unittest rewritten for xunit: a proxy per test (started in the
/// constructor's place by InitializeAsync, stopped by DisposeAsync) and a behavior changed for a scope. Here the
/// backend is an in-test echo server; in an application's tests it is the real backend.
/// </summary>
public sealed class DocsExampleTests : IAsyncLifetime
{
    private readonly EchoBackend _backend = new();
    private VaurienProxy _proxy = null!;

    public async Task InitializeAsync() =>
        _proxy = await VaurienProxy.StartProcessAsync(new VaurienProxyOptions { Backend = _backend.Address });

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task TestOne()
    {
        var client = _proxy.Client;
        var options = new Dictionary<string, object?> { ["inject"] = true };

        await using (await client.WithBehaviorAsync("error", options))
        {
            // do something...
            Assert.Equal("error", await client.GetBehaviorAsync());
        }

        // we're back to normal here
        Assert.Equal("dummy", await client.GetBehaviorAsync());
    }

    [Fact]
    public async Task InProcess_SameTestWithoutAChildProcess()
    {
        using var deadline = Limits.TestDeadline();
        await using var proxy = await VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = _backend.Address });
        using var connection = await EchoConnection.OpenAsync(proxy.ProxyEndPoint, deadline.Token);

        await using (await proxy.Client.WithBehaviorAsync("blackout"))
        {
            // The next exchange is cut: the connection is closed without reaching the backend.
            await Assert.ThrowsAnyAsync<IOException>(() => connection.RoundTripAsync(deadline.Token));
        }

        using var again = await EchoConnection.OpenAsync(proxy.ProxyEndPoint, deadline.Token);
        await again.RoundTripAsync(deadline.Token);
    }
}
