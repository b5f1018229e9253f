using System.Net;
using Vaurien.Client.Tests.Support;
using Vaurien.TestHost;

namespace Vaurien.Client.Tests;

/// <summary>The C# client against a real host (in-process, tcp, in front of an echo backend).</summary>
public class VaurienClientTests
{
    private static readonly TimeSpan Sleep = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task GetBehaviorAsync_Started_ReturnsTheConfiguredPolicy()
    {
        await using var backend = new EchoBackend();
        await using var proxy = await VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = backend.Address, Behavior = "20:delay" });

        Assert.Equal("20:delay,80:dummy", await proxy.Client.GetBehaviorAsync());
    }

    [Fact]
    public async Task ListBehaviorsAsync_ListsEveryBuiltInSorted()
    {
        await using var backend = new EchoBackend();
        await using var proxy = await VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = backend.Address });

        var names = await proxy.Client.ListBehaviorsAsync();

        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Subset(names.ToHashSet(), new HashSet<string> { "abort", "blackout", "delay", "dummy", "error", "hang", "transient" });
    }

    [Fact]
    public async Task SetBehaviorAsync_WithOptions_AppliesFromTheNextExchangeOnALiveConnection()
    {
        using var deadline = Limits.TestDeadline();
        await using var backend = new EchoBackend();
        await using var proxy = await VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = backend.Address });
        using var connection = await EchoConnection.OpenAsync(proxy.ProxyEndPoint, deadline.Token);
        await connection.RoundTripAsync(deadline.Token);

        await proxy.Client.SetBehaviorAsync("delay", new Dictionary<string, object?> { ["sleep"] = Sleep.TotalSeconds });
        var delayed = await connection.RoundTripAsync(deadline.Token);

        Assert.Equal("delay", await proxy.Client.GetBehaviorAsync());
        Assert.True(delayed >= Sleep, $"The round trip took {delayed.TotalMilliseconds} ms; the delay is {Sleep.TotalMilliseconds} ms.");
    }

    [Fact]
    public async Task SetBehaviorAsync_TypedValues_AreSentAsTheirJson()
    {
        await using var backend = new EchoBackend();
        await using var proxy = await VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = backend.Address });

        await proxy.Client.SetBehaviorAsync("delay", new Dictionary<string, object?> { ["sleep"] = TimeSpan.FromSeconds(1.5), ["before"] = false });
        await proxy.Client.SetBehaviorAsync("error", new Dictionary<string, object?> { ["warmup"] = 3L, ["inject"] = "true" });

        Assert.Equal("error", await proxy.Client.GetBehaviorAsync());
    }

    [Fact]
    public async Task SetBehaviorAsync_UnknownName_ThrowsUnknownBehaviorWithTheServersMessage()
    {
        await using var backend = new EchoBackend();
        await using var proxy = await VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = backend.Address });

        var e = await Assert.ThrowsAsync<UnknownBehaviorException>(() => proxy.Client.SetBehaviorAsync("dlay"));

        Assert.Equal("dlay", e.BehaviorName);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.StartsWith("Unknown behavior 'dlay'. Valid behaviors: abort, blackout, delay, dummy", e.Message);
        var error = Assert.Single(e.Errors);
        Assert.Equal(new VaurienError("body", "name", e.Message), error);
        Assert.Equal("dummy", await proxy.Client.GetBehaviorAsync());
    }

    [Fact]
    public async Task SetBehaviorAsync_BadOptions_ThrowsWithEveryError()
    {
        await using var backend = new EchoBackend();
        await using var proxy = await VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = backend.Address });

        var e = await Assert.ThrowsAsync<VaurienException>(() =>
            proxy.Client.SetBehaviorAsync("delay", new Dictionary<string, object?> { ["sleep"] = "soon", ["before"] = "maybe" }));

        Assert.IsNotType<UnknownBehaviorException>(e);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal(["sleep", "before"], e.Errors.Select(error => error.Name));
        Assert.Contains("option 'sleep' must be a number", e.Message);
        Assert.Contains("option 'before' must be true or false", e.Message);
    }

    [Fact]
    public async Task SetBehaviorAsync_NameAsOption_IsRefusedBeforeSending()
    {
        using var client = new VaurienClient(new Uri("http://127.0.0.1:9/"));

        await Assert.ThrowsAsync<ArgumentException>(() => client.SetBehaviorAsync("delay", new Dictionary<string, object?> { ["name"] = "error" }));
    }

    [Fact]
    public async Task SetBackendAsync_NewConnectionsGoToTheNewBackend()
    {
        using var deadline = Limits.TestDeadline();
        await using var first = new EchoBackend();
        await using var second = new EchoBackend();
        await using var proxy = await VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = first.Address });
        using var before = await EchoConnection.OpenAsync(proxy.ProxyEndPoint, deadline.Token);
        await before.RoundTripAsync(deadline.Token);

        await proxy.Client.SetBackendAsync(second.Address);
        using var after = await EchoConnection.OpenAsync(proxy.ProxyEndPoint, deadline.Token);
        await after.RoundTripAsync(deadline.Token);
        await before.RoundTripAsync(deadline.Token);

        Assert.Equal(second.Address, await proxy.Client.GetBackendAsync());
        Assert.Equal(1, first.Connections);
        Assert.Equal(1, second.Connections);
    }

    [Fact]
    public async Task SetBackendAsync_BadAddress_ThrowsWithTheBackendError()
    {
        await using var backend = new EchoBackend();
        await using var proxy = await VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = backend.Address });

        var e = await Assert.ThrowsAsync<VaurienException>(() => proxy.Client.SetBackendAsync("nowhere"));

        Assert.Equal("backend", Assert.Single(e.Errors).Name);
        Assert.Equal(backend.Address, await proxy.Client.GetBackendAsync());
    }

    [Fact]
    public async Task WithBehaviorAsync_Disposed_RestoresThePreviousPolicy()
    {
        await using var backend = new EchoBackend();
        await using var proxy = await VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = backend.Address, Behavior = "20:delay" });

        string inside;
        await using (await proxy.Client.WithBehaviorAsync("error", new Dictionary<string, object?> { ["inject"] = true }))
        {
            inside = await proxy.Client.GetBehaviorAsync();
        }

        Assert.Equal("error", inside);
        Assert.Equal("20:delay,80:dummy", await proxy.Client.GetBehaviorAsync());
    }

    [Fact]
    public async Task WithBehaviorAsync_ScopeEnds_TrafficIsNormalAgain()
    {
        using var deadline = Limits.TestDeadline();
        await using var backend = new EchoBackend();
        await using var proxy = await VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = backend.Address });
        using var connection = await EchoConnection.OpenAsync(proxy.ProxyEndPoint, deadline.Token);

        TimeSpan inside;
        await using (await proxy.Client.WithBehaviorAsync("delay", new Dictionary<string, object?> { ["sleep"] = Sleep.TotalSeconds }))
        {
            inside = await connection.RoundTripAsync(deadline.Token);
        }

        var after = await connection.RoundTripAsync(deadline.Token);

        Assert.True(inside >= Sleep, $"Inside the scope the round trip took {inside.TotalMilliseconds} ms.");
        Assert.Equal("dummy", await proxy.Client.GetBehaviorAsync());
        Assert.True(after < inside, $"After the scope the round trip took {after.TotalMilliseconds} ms, inside {inside.TotalMilliseconds} ms.");
    }

    [Fact]
    public async Task WithBehaviorAsync_UnknownName_ThrowsAndChangesNothing()
    {
        await using var backend = new EchoBackend();
        await using var proxy = await VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = backend.Address });

        await Assert.ThrowsAsync<UnknownBehaviorException>(() => proxy.Client.WithBehaviorAsync("dlay"));

        Assert.Equal("dummy", await proxy.Client.GetBehaviorAsync());
    }

    [Fact]
    public async Task GetBehaviorAsync_NothingListening_ThrowsVaurienException()
    {
        var port = FreePort.Next();
        using var client = new VaurienClient(new Uri($"http://127.0.0.1:{port}"));

        var e = await Assert.ThrowsAsync<VaurienException>(() => client.GetBehaviorAsync());

        Assert.StartsWith($"Cannot reach the Vaurien control API at http://127.0.0.1:{port}/", e.Message);
        Assert.Null(e.StatusCode);
        Assert.Empty(e.Errors);
    }

    [Fact]
    public async Task Client_GivenHttpClient_UsesItsBaseAddress()
    {
        await using var backend = new EchoBackend();
        await using var proxy = await VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = backend.Address });
        using var http = new HttpClient { BaseAddress = proxy.ControlUri, Timeout = Limits.Test };
        using var client = new VaurienClient(http);

        Assert.Equal("dummy", await client.GetBehaviorAsync());
        Assert.Equal(proxy.ControlUri, client.BaseAddress);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:8080/")]
    [InlineData("/behavior")]
    public void Client_NotAnHttpAddress_IsRefused(string address) =>
        Assert.Throws<ArgumentException>(() => new VaurienClient(new Uri(address, UriKind.RelativeOrAbsolute)));

    [Fact]
    public void DefaultAddress_IsVauriensDefault() =>
        Assert.Equal(new Uri("http://localhost:8080/"), new VaurienClient().BaseAddress);
}
