using System.Diagnostics;
using System.Net;
using Vaurien.Client.Tests.Support;
using Vaurien.TestHost;

namespace Vaurien.Client.Tests;

/// <summary>The test helpers: a host in-process and a host as a child process, started, used and stopped.</summary>
public class VaurienProxyTests
{
    [Fact]
    public async Task StartAsync_InProcess_ProxiesAndExposesBothEndpoints()
    {
        using var deadline = Limits.TestDeadline();
        await using var backend = new EchoBackend();
        await using var proxy = await VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = backend.Address });
        using var connection = await EchoConnection.OpenAsync(proxy.ProxyEndPoint, deadline.Token);

        await connection.RoundTripAsync(deadline.Token);

        Assert.Equal(IPAddress.Loopback, proxy.ProxyEndPoint.Address);
        Assert.NotEqual(0, proxy.ProxyEndPoint.Port);
        Assert.Equal(new Uri($"http://127.0.0.1:{proxy.ControlUri.Port}/"), proxy.ControlUri);
        Assert.Equal(proxy.ControlUri, proxy.Client.BaseAddress);
        Assert.Null(proxy.ProcessId);
        Assert.Contains($"Started the HTTP server: http://127.0.0.1:{proxy.ControlUri.Port}", proxy.Output);
        Assert.Equal(1, backend.Connections);
    }

    [Fact]
    public async Task DisposeAsync_InProcess_StopsTheProxyAndTheApi()
    {
        await using var backend = new EchoBackend();
        var proxy = await VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = backend.Address });
        var proxyEndPoint = proxy.ProxyEndPoint;
        var controlEndPoint = new IPEndPoint(IPAddress.Loopback, proxy.ControlUri.Port);

        await proxy.DisposeAsync();

        Assert.True(await FreePort.IsClosedAsync(proxyEndPoint), "The proxy still accepts connections.");
        Assert.True(await FreePort.IsClosedAsync(controlEndPoint), "The control API still accepts connections.");
        Assert.Contains("Bye!", proxy.Output);
    }

    [Fact]
    public async Task StartAsync_ExtraArguments_ArePassedOn()
    {
        using var deadline = Limits.TestDeadline();
        await using var backend = new EchoBackend();
        var sleep = TimeSpan.FromMilliseconds(300);
        await using var proxy = await VaurienProxy.StartAsync(new VaurienProxyOptions
        {
            Backend = backend.Address,
            Behavior = "delay",
            ExtraArguments = ["--behavior-delay-sleep", "0.3"],
        });
        using var connection = await EchoConnection.OpenAsync(proxy.ProxyEndPoint, deadline.Token);

        var roundTrip = await connection.RoundTripAsync(deadline.Token);

        Assert.True(roundTrip >= sleep, $"The round trip took {roundTrip.TotalMilliseconds} ms.");
    }

    [Fact]
    public async Task StartAsync_BadFlags_ThrowsWithTheHostsMessage()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = "127.0.0.1:9", Protocol = "gopher" }));

        Assert.Contains("exit code 2", e.Message);
        Assert.Contains("Unknown protocol 'gopher'", e.Message);
    }

    [Fact]
    public async Task StartAsync_ControlPortTaken_FailsWithOneClearMessageAndExitCode1()
    {
        using var taken = FreePort.Busy(out var port);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = "127.0.0.1:9", ControlPort = port }));

        Assert.Contains("exit code 1", e.Message);
        Assert.Contains($"Cannot start the HTTP server on 127.0.0.1:{port}: the address is already in use.", e.Message);
    }

    [Fact]
    public async Task StartAsync_PluginFolders_ArePassedAsPlugins()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"vaurien-no-plugins-{Guid.NewGuid():N}");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = "127.0.0.1:9", PluginFolders = [missing] }));

        Assert.Contains($"Plugin folder '{missing}' does not exist.", e.Message);
    }

    [Fact]
    public async Task StartProcessAsync_ChildProcess_ProxiesAndIsStoppedByPid()
    {
        using var deadline = Limits.TestDeadline();
        await using var backend = new EchoBackend();
        var proxy = await VaurienProxy.StartProcessAsync(new VaurienProxyOptions { Backend = backend.Address });
        int pid;
        using (var connection = await EchoConnection.OpenAsync(proxy.ProxyEndPoint, deadline.Token))
        {
            await connection.RoundTripAsync(deadline.Token);
            pid = Assert.NotNull(proxy.ProcessId);
            Assert.Equal("dummy", await proxy.Client.GetBehaviorAsync());
            Assert.NotEqual(Environment.ProcessId, pid);
        }

        using var process = Process.GetProcessById(pid);
        await proxy.DisposeAsync();

        Assert.True(process.HasExited, "The child host still runs after dispose.");
        Assert.Contains("Bye!", proxy.Output);
        Assert.True(await FreePort.IsClosedAsync(proxy.ProxyEndPoint), "The proxy still accepts connections.");
    }

    [Fact]
    public async Task StartProcessAsync_FixedPorts_WaitsUntilTheApiAnswers()
    {
        using var deadline = Limits.TestDeadline();
        await using var backend = new EchoBackend();
        var proxyPort = FreePort.Next();
        var controlPort = FreePort.Next();

        await using var proxy = await VaurienProxy.StartProcessAsync(new VaurienProxyOptions
        {
            Backend = backend.Address,
            ProxyPort = proxyPort,
            ControlPort = controlPort,
        });
        using var connection = await EchoConnection.OpenAsync(proxy.ProxyEndPoint, deadline.Token);
        await connection.RoundTripAsync(deadline.Token);

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, proxyPort), proxy.ProxyEndPoint);
        Assert.Equal(new Uri($"http://127.0.0.1:{controlPort}/"), proxy.ControlUri);
    }

    [Fact]
    public async Task StartProcessAsync_BadFlags_ThrowsWithTheHostsOutput()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            VaurienProxy.StartProcessAsync(new VaurienProxyOptions { Backend = "127.0.0.1:9", Behavior = "20:dlay" }));

        Assert.Contains("exited with code 2", e.Message);
        Assert.Contains("Unknown behavior 'dlay'", e.Message);
    }

    [Fact]
    public async Task StartProcessAsync_MissingExecutable_SaysWhereItLooked()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-folder", "vaurien.dll");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            VaurienProxy.StartProcessAsync(new VaurienProxyOptions { Backend = "127.0.0.1:9", ExecutablePath = path }));

        Assert.Contains(path, e.Message);
    }

    [Fact]
    public async Task StartProcessAsync_LogWriter_GetsTheHostsOutput()
    {
        await using var backend = new EchoBackend();
        using var log = new StringWriter();
        await using (var proxy = await VaurienProxy.StartProcessAsync(new VaurienProxyOptions { Backend = backend.Address, Log = TextWriter.Synchronized(log) }))
        {
            Assert.NotNull(proxy.ProcessId);
        }

        Assert.Contains("Started the HTTP server", log.ToString());
    }
}
