using System.Net;
using System.Net.Sockets;
using Vaurien.Integration.Tests.Support;

namespace Vaurien.Integration.Tests;

/// <summary>Bad input at start-up: one clear message, a documented exit code, never a stack trace.</summary>
public class StartupErrorTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static void AssertNoStackTrace(string text) => Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);

    [Fact]
    public async Task PortInUse_ExitsWithOneLine()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (code, _, stderr) = await VaurienProcess.RunAsync(Deadline, "--proxy", $"127.0.0.1:{port}", "--backend", "127.0.0.1:1");
        Assert.Equal(1, code);
        Assert.Contains($"Cannot listen on 127.0.0.1:{port}", stderr, StringComparison.Ordinal);
        AssertNoStackTrace(stderr);
    }

    [Theory]
    [InlineData(new[] { "--config", "/nonexistent/vaurien.toml" }, "Cannot read the config file '/nonexistent/vaurien.toml'")]
    [InlineData(new[] { "--plugins", "/nonexistent/plugins" }, "/nonexistent/plugins")]
    [InlineData(new[] { "--behavior", "20:dlay" }, "Unknown behavior 'dlay'. Valid behaviors: abort, blackout, delay, dummy, error, hang, transient.")]
    [InlineData(new[] { "--behavior", "60:delay,50:error" }, "add up to 110: the total must be 100 or less")]
    [InlineData(new[] { "--protocol", "gopher" }, "Unknown protocol 'gopher'.")]
    [InlineData(new[] { "--behavior-delay-sleep", "soon" }, "--behavior-delay-sleep: option 'sleep' must be a number")]
    [InlineData(new[] { "--timeout", "-1" }, "--timeout: option 'timeout' must be a number")]
    [InlineData(new[] { "--proxy", "localhost" }, "--proxy: proxy: 'localhost' is not a HOST:PORT address")]
    [InlineData(new[] { "--bogus" }, "Unknown option '--bogus'.")]
    [InlineData(new[] { "--log-level", "loud" }, "option 'log_level' must be one of critical, error, warning, info, debug")]
    public async Task BadInput_ExitsWithUsageError(string[] args, string expected)
    {
        var (code, _, stderr) = await VaurienProcess.RunAsync(Deadline, args);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        AssertNoStackTrace(stderr);
    }

    [Fact]
    public async Task InvalidToml_SaysFileLineAndColumn_AndEveryError()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vaurien-it-{Guid.NewGuid():N}.toml");
        await File.WriteAllTextAsync(path, "[vaurien]\nbackend = \"nowhere\"\ntimeout = \"long\"\n\n[behavior.delay]\nsleep = -2\n");
        try
        {
            var (code, _, stderr) = await VaurienProcess.RunAsync(Deadline, "--config", path);
            Assert.Equal(2, code);
            Assert.Contains($"{path}(2,11): key 'backend' in [vaurien]", stderr, StringComparison.Ordinal);
            Assert.Contains($"{path}(3,11): key 'timeout' in [vaurien]", stderr, StringComparison.Ordinal);
            Assert.Contains($"{path}(6,9): key 'sleep' in [behavior.delay]", stderr, StringComparison.Ordinal);
            AssertNoStackTrace(stderr);

            await File.WriteAllTextAsync(path, "[vaurien\nbackend = 1\n");
            (code, _, stderr) = await VaurienProcess.RunAsync(Deadline, "--config", path);
            Assert.Equal(2, code);
            Assert.Contains($"{path}(1,", stderr, StringComparison.Ordinal);
            AssertNoStackTrace(stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Help_ListsBehaviorsProtocolsAndDerivedFlags()
    {
        var (code, stdout, _) = await VaurienProcess.RunAsync(Deadline, "--help");
        Assert.Equal(0, code);
        foreach (var expected in new[] { "--behavior-delay-sleep FLOAT", "--behavior-delay-before", "--behavior-error-warmup INT", "--behavior-transient-agitate INT", "--protocol-tcp-keep-alive", "--stay-connected", "blackout:", "tcp:" })
        {
            Assert.Contains(expected, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Version_PrintsTheVersion()
    {
        var (code, stdout, _) = await VaurienProcess.RunAsync(Deadline, "--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", stdout.Trim());
    }

    [Fact]
    public async Task UnreachableBackend_ClosesThatClient_LogsOneLine_AndKeepsServing()
    {
        // A port that nothing listens on yet; the backend comes up on it later.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        await using var proxy = await VaurienProcess.StartAsync("--proxy", "127.0.0.1:0", "--backend", $"127.0.0.1:{port}", "--timeout", "2");
        using (var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync($"http://{proxy.ProxyEndPoint}/"));
        }

        await WaitForAsync(() => proxy.StandardError.Contains($"127.0.0.1:{port}", StringComparison.Ordinal), "a log line naming the backend");
        var lines = proxy.StandardError.Split('\n').Where(l => l.Contains("[WARNING]", StringComparison.Ordinal)).ToList();
        Assert.Single(lines);
        AssertNoStackTrace(proxy.StandardError);

        await using var backend = await HttpBackend.StartAsync(port);
        using var again = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal("hello 1", await again.GetStringAsync($"http://{proxy.ProxyEndPoint}/"));
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(Deadline);
        while (!condition())
        {
            await Task.Delay(20, cts.Token).ConfigureAwait(false);
        }

        Assert.True(condition(), what);
    }
}
