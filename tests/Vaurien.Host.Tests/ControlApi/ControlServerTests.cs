using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Vaurien.Host.Configuration;
using Vaurien.Host.Plugins.Tests;
using Vaurien.Host.Proxy;
using Vaurien.Host.Tests.Support;
using Xunit;

namespace Vaurien.Host.ControlApi.Tests;

/// <summary>Starting and stopping the control API: bound port, log line, bind failures, loopback warning.</summary>
public class ControlServerTests
{
    private static readonly TimeSpan NetworkTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task StartAsync_PortZero_ExposesTheBoundPortAndLogsIt()
    {
        await using var api = await RunningControlApi.StartAsync();

        Assert.Equal(IPAddress.Loopback, api.Server.EndPoint.Address);
        Assert.NotEqual(0, api.Server.EndPoint.Port);
        Assert.Equal(new Uri($"http://127.0.0.1:{api.Server.EndPoint.Port}/"), api.Server.Uri);
        Assert.Contains(api.Log.Entries, e => e.Level == LogLevel.Information && e.Message == $"Started the HTTP server: http://127.0.0.1:{api.Server.EndPoint.Port}");
        Assert.DoesNotContain(api.Log.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task StartAsync_Localhost_ListensOnIPv4Loopback()
    {
        await using var server = NewServer("localhost", 0, out _);

        await server.StartAsync(CancellationToken.None);

        Assert.Equal(IPAddress.Loopback, server.EndPoint.Address);
        using var http = new HttpClient { Timeout = NetworkTimeout };
        Assert.Equal("""{"behavior":"dummy"}""", await http.GetStringAsync(new Uri(server.Uri, "behavior")));
    }

    [Fact]
    public async Task StartAsync_PortInUse_ThrowsOneClearMessage()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        await using var server = NewServer("127.0.0.1", port, out _);

        var e = await Assert.ThrowsAsync<ControlStartException>(() => server.StartAsync(CancellationToken.None));

        Assert.Equal($"Cannot start the HTTP server on 127.0.0.1:{port}: the address is already in use.", e.Message);
    }

    [Fact]
    public async Task StartAsync_AddressNotOnThisMachine_ThrowsOneClearMessage()
    {
        // 192.0.2.1 is TEST-NET-1: never assigned to a machine, so binding fails without touching any network.
        await using var server = NewServer("192.0.2.1", 0, out _);

        var e = await Assert.ThrowsAsync<ControlStartException>(() => server.StartAsync(CancellationToken.None));

        Assert.StartsWith("Cannot start the HTTP server on 192.0.2.1:0: ", e.Message);
    }

    [Fact]
    public async Task StartAsync_NonLoopbackAddress_WarnsThatThereIsNoAuthentication()
    {
        await using var server = NewServer("192.0.2.1", 0, out var log);

        await Assert.ThrowsAsync<ControlStartException>(() => server.StartAsync(CancellationToken.None));

        var warning = Assert.Single(log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("192.0.2.1", warning.Message);
        Assert.Contains("no authentication", warning.Message);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.2", true)]
    [InlineData("::1", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::", false)]
    [InlineData("192.0.2.1", false)]
    public void IsLoopback_TellsLocalOnlyAddresses(string address, bool loopback) =>
        Assert.Equal(loopback, ControlServer.IsLoopback(IPAddress.Parse(address)));

    [Fact]
    public async Task DisposeAsync_StopsListening()
    {
        var api = await RunningControlApi.StartAsync();
        var endPoint = api.Server.EndPoint;

        await api.DisposeAsync();

        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(NetworkTimeout);
        await Assert.ThrowsAnyAsync<SocketException>(async () => await client.ConnectAsync(endPoint, timeout.Token));
    }

    [Fact]
    public async Task For_Settings_UsesHttpHostAndPort()
    {
        var catalog = TestExtensions.Catalog();
        catalog.TryGetBehavior("dummy", out var dummy);
        catalog.TryGetProtocol("tcp", out var tcp);
        var options = catalog.Behaviors.ToDictionary(b => b.Name, b => b.Options.CreateDefault());
        var policy = BehaviorPolicy.Only(new BehaviorActivation(dummy, options["dummy"]));
        var settings = new VaurienSettings(
            new VaurienOptions { Http = true, HttpHost = "[::1]", HttpPort = 0 },
            new HostPort("127.0.0.1", 0),
            new HostPort("127.0.0.1", 6379),
            tcp,
            options,
            catalog.Protocols.ToDictionary(p => p.Name, p => p.Options.CreateDefault()),
            policy);
        var state = new ProxyState(ProxyNames.Default, policy, settings.Backend);
        using var loggers = RecordingLoggerProvider.CreateFactory(out _);

        await using var server = ControlServer.For(settings, catalog, state, loggers);

        Assert.Equal(new HostPort("::1", 0), server.Listen);
    }

    private static ControlServer NewServer(string host, int port, out RecordingLoggerProvider log)
    {
        var catalog = TestExtensions.Catalog();
        catalog.TryGetBehavior("dummy", out var dummy);
        var options = catalog.Behaviors.ToDictionary(b => b.Name, b => b.Options.CreateDefault());
        var state = new ProxyState(ProxyNames.Default, BehaviorPolicy.Only(new BehaviorActivation(dummy, options["dummy"])), new HostPort("127.0.0.1", 6379));
        var loggers = RecordingLoggerProvider.CreateFactory(out log);
        return new ControlServer(new HostPort(host, port), new ProxyControl(catalog, state, options, loggers), loggers);
    }
}
