using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vaurien.Host.Configuration;
using Vaurien.Testing.Logging;
using Vaurien.Testing.Network;
using Xunit;

namespace Vaurien.Host.Proxy.Tests;

public sealed class ProxyServerTests
{
    private static readonly HostPort Nowhere = new("127.0.0.1", 9);

    [Fact]
    public async Task StartAsync_PortInUse_ThrowsWithOneSentence()
    {
        using var occupant = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupant.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        occupant.Listen();
        var port = ((IPEndPoint)occupant.LocalEndPoint!).Port;
        await using var server = Server(TestProxies.Definition(Nowhere, listen: new HostPort("localhost", port)));

        var error = await Assert.ThrowsAsync<ProxyStartException>(() => server.StartAsync(CancellationToken.None));

        Assert.Equal($"Cannot listen on localhost:{port}: the address is already in use.", error.Message);
    }

    [Fact]
    public async Task StartAsync_PortTakenByAnotherProxy_Throws()
    {
        await using var first = Server(TestProxies.Definition(Nowhere));
        await first.StartAsync(CancellationToken.None);
        await using var second = Server(TestProxies.Definition(Nowhere, listen: new HostPort("127.0.0.1", first.LocalEndPoint.Port)));

        var error = await Assert.ThrowsAsync<ProxyStartException>(() => second.StartAsync(CancellationToken.None));

        Assert.EndsWith("the address is already in use.", error.Message);
    }

    [Fact]
    public async Task StartAsync_Localhost_ListensOnIPv4LoopbackAndAFreePort()
    {
        await using var server = Server(TestProxies.Definition(Nowhere, listen: new HostPort("localhost", 0)));

        await server.StartAsync(CancellationToken.None);

        Assert.Equal(IPAddress.Loopback, server.LocalEndPoint.Address);
        Assert.NotEqual(0, server.LocalEndPoint.Port);
    }

    [Fact]
    public async Task Accept_BackendUnreachable_ClosesTheClientWarnsOnceAndServesOnceTheBackendIsUp()
    {
        var logs = new CapturedLogs();
        await using var backend = LoopbackServer.Bind(LoopbackServer.EchoAsync);
        await using var server = Server(TestProxies.Definition(TestProxies.ToHostPort(backend.EndPoint)), logs.Factory);
        await server.StartAsync(CancellationToken.None);

        using (var refused = await SocketTestExtensions.ConnectLoopbackAsync(server.LocalEndPoint))
        {
            // FIN or reset, either way promptly: nothing waits for a backend that refused.
            await refused.WaitForCloseAsync(TimeSpan.FromSeconds(5));
        }

        await WaitFor.ConditionAsync(() => server.ConnectionCount == 0, "the refused connection to be gone");
        var warning = Assert.Single(logs.AtLeast(LogLevel.Warning));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal("BackendUnreachable", warning.EventId.Name);
        Assert.Null(warning.Exception);
        Assert.Contains("connection refused", warning.Message, StringComparison.Ordinal);

        backend.Listen();
        using var client = await SocketTestExtensions.ConnectLoopbackAsync(server.LocalEndPoint);
        await client.SendAllAsync("ping"u8.ToArray());
        Assert.Equal("ping", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(4)));
    }

    [Fact]
    public async Task Accept_BackendChangedLive_NewConnectionsGoToTheNewBackend()
    {
        await using var first = LoopbackServer.Start((socket, _) => socket.SendAllAsync("first"u8.ToArray()));
        await using var second = LoopbackServer.Start((socket, _) => socket.SendAllAsync("second"u8.ToArray()));
        var definition = TestProxies.Definition(TestProxies.ToHostPort(first.EndPoint));
        await using var server = Server(definition);
        await server.StartAsync(CancellationToken.None);

        using var before = await SocketTestExtensions.ConnectLoopbackAsync(server.LocalEndPoint);
        Assert.Equal("first", Encoding.ASCII.GetString(await before.ReceiveToEndAsync()));
        definition.State.Backend = TestProxies.ToHostPort(second.EndPoint);
        using var after = await SocketTestExtensions.ConnectLoopbackAsync(server.LocalEndPoint);

        Assert.Equal("second", Encoding.ASCII.GetString(await after.ReceiveToEndAsync()));
    }

    [Fact]
    public async Task DisposeAsync_LiveConnections_EndsThemWithFinAndStopsListening()
    {
        await using var backend = LoopbackServer.Echo();
        var server = Server(TestProxies.Definition(TestProxies.ToHostPort(backend.EndPoint), stayConnected: true));
        await server.StartAsync(CancellationToken.None);
        using var client = await SocketTestExtensions.ConnectLoopbackAsync(server.LocalEndPoint);
        await client.SendAllAsync("ping"u8.ToArray());
        await client.ReceiveExactlyAsync(4);

        await server.DisposeAsync();

        Assert.Equal(0, server.ConnectionCount);
        Assert.True(await client.WaitForCloseAsync(), "Shutdown closes live connections gracefully.");
        var refused = await Assert.ThrowsAsync<SocketException>(() => SocketTestExtensions.ConnectLoopbackAsync(server.LocalEndPoint));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task ConnectionInfo_TwoConnections_HaveIncreasingIdsAndTheirAddresses()
    {
        await using var backend = LoopbackServer.Echo();
        var definition = TestProxies.Definition(TestProxies.ToHostPort(backend.EndPoint));
        var seen = new System.Collections.Concurrent.ConcurrentQueue<ConnectionInfo>();
        TestProxies.SetBehavior(definition, new DelegateBehavior(context =>
        {
            seen.Enqueue(context.Connection);
            return ValueTask.CompletedTask;
        }));
        await using var server = Server(definition);
        await server.StartAsync(CancellationToken.None);

        using var first = await SocketTestExtensions.ConnectLoopbackAsync(server.LocalEndPoint);
        await first.SendAllAsync("1"u8.ToArray());
        await first.ReceiveExactlyAsync(1);
        using var second = await SocketTestExtensions.ConnectLoopbackAsync(server.LocalEndPoint);
        await second.SendAllAsync("2"u8.ToArray());
        await second.ReceiveExactlyAsync(1);

        var infos = seen.DistinctBy(i => i.Id).ToList();
        Assert.Equal(2, infos.Count);
        Assert.True(infos[1].Id > infos[0].Id);
        Assert.Equal(first.LocalEndPoint, infos[0].ClientEndPoint);
        Assert.Equal(backend.EndPoint, infos[0].BackendEndPoint);
    }

    private static ProxyServer Server(ProxyDefinition definition, ILoggerFactory? loggers = null) =>
        new(definition, TimeProvider.System, new RandomFactory(1), loggers ?? NullLoggerFactory.Instance);
}
