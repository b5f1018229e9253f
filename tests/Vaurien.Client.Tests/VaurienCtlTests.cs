using Vaurien.Client.Tests.Support;
using Vaurien.TestHost;

namespace Vaurien.Client.Tests;

/// <summary>vaurienctl, the real executable, as a child process against a real host.</summary>
public class VaurienCtlTests
{
    [Fact]
    public async Task ListBehaviors_PrintsTheNamesCommaSeparated()
    {
        await using var backend = new EchoBackend();
        await using var proxy = await StartAsync(backend);

        var (exitCode, stdout, stderr) = await CtlRun.RunAsync("--host", proxy.ControlUri.ToString(), "list-behaviors");

        Assert.Equal(0, exitCode);
        Assert.Equal("", stderr);
        Assert.Equal(string.Join(", ", await proxy.Client.ListBehaviorsAsync()) + Environment.NewLine, stdout);
        Assert.StartsWith("abort, blackout, delay, dummy, error, hang", stdout);
    }

    [Fact]
    public async Task SetBehavior_WithOptions_ChangesTheBehavior()
    {
        await using var backend = new EchoBackend();
        await using var proxy = await StartAsync(backend);

        var (exitCode, stdout, _) = await CtlRun.RunAsync("--host", proxy.ControlUri.ToString(), "set-behavior", "delay", "--option", "sleep=2", "--option", "before=false");

        Assert.Equal(0, exitCode);
        Assert.Equal("Behavior changed to \"delay\"" + Environment.NewLine, stdout);
        Assert.Equal("delay", await proxy.Client.GetBehaviorAsync());
    }

    [Fact]
    public async Task GetBehavior_PrintsTheName()
    {
        await using var backend = new EchoBackend();
        await using var proxy = await StartAsync(backend);
        await proxy.Client.SetBehaviorAsync("blackout");

        var (exitCode, stdout, _) = await CtlRun.RunAsync("--host", proxy.ControlUri.ToString(), "get-behavior");

        Assert.Equal(0, exitCode);
        Assert.Equal("blackout" + Environment.NewLine, stdout);
    }

    [Fact]
    public async Task SetBehavior_Unknown_PrintsTheServersMessageAndTheValidNames()
    {
        await using var backend = new EchoBackend();
        await using var proxy = await StartAsync(backend);

        var (exitCode, stdout, stderr) = await CtlRun.RunAsync("--host", proxy.ControlUri.ToString(), "set-behavior", "dlay");

        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout);
        Assert.Contains("Unknown behavior 'dlay'. Valid behaviors: abort, blackout", stderr);
        Assert.Contains("The request failed. Please use one of abort, blackout, delay, dummy", stderr);
        Assert.Equal("dummy", await proxy.Client.GetBehaviorAsync());
    }

    [Fact]
    public async Task SetBehavior_BadOption_PrintsTheServersMessage()
    {
        await using var backend = new EchoBackend();
        await using var proxy = await StartAsync(backend);

        var (exitCode, _, stderr) = await CtlRun.RunAsync("--host", proxy.ControlUri.ToString(), "set-behavior", "delay", "--option", "sleep=soon");

        Assert.Equal(1, exitCode);
        Assert.Contains("option 'sleep' must be a number", stderr);
        Assert.DoesNotContain("Please use one of", stderr);
    }

    [Fact]
    public async Task SetBackendThenGetBackend_ChangesAndPrintsIt()
    {
        await using var backend = new EchoBackend();
        await using var other = new EchoBackend();
        await using var proxy = await StartAsync(backend);

        var set = await CtlRun.RunAsync("--host", proxy.ControlUri.ToString(), "set-backend", other.Address);
        var get = await CtlRun.RunAsync("--host", proxy.ControlUri.ToString(), "get-backend");

        Assert.Equal(0, set.ExitCode);
        Assert.Equal($"Backend changed to \"{other.Address}\"" + Environment.NewLine, set.Stdout);
        Assert.Equal(0, get.ExitCode);
        Assert.Equal(other.Address + Environment.NewLine, get.Stdout);
    }

    [Fact]
    public async Task OlderHandlerCommands_WorkAsTheBehaviorOnes()
    {
        await using var backend = new EchoBackend();
        await using var proxy = await StartAsync(backend);
        var host = proxy.ControlUri.ToString();

        var list = await CtlRun.RunAsync("--host", host, "list-handlers");
        var set = await CtlRun.RunAsync("--host", host, "set-handler", "hang");
        var get = await CtlRun.RunAsync("--host", host, "get-handler");

        Assert.Equal(0, list.ExitCode);
        Assert.StartsWith("abort, blackout", list.Stdout);
        Assert.Equal(0, set.ExitCode);
        Assert.Equal("hang" + Environment.NewLine, get.Stdout);
    }

    [Fact]
    public async Task Host_WithoutScheme_IsTakenAsHttp()
    {
        await using var backend = new EchoBackend();
        await using var proxy = await StartAsync(backend);

        var (exitCode, stdout, _) = await CtlRun.RunAsync("--host", $"127.0.0.1:{proxy.ControlUri.Port}", "get-behavior");

        Assert.Equal(0, exitCode);
        Assert.Equal("dummy" + Environment.NewLine, stdout);
    }

    [Fact]
    public async Task NothingListening_FailsWithAMessage()
    {
        var port = FreePort.Next();

        var (exitCode, stdout, stderr) = await CtlRun.RunAsync("--host", $"http://127.0.0.1:{port}", "get-behavior");

        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout);
        Assert.Contains($"Cannot reach the Vaurien control API at http://127.0.0.1:{port}/", stderr);
    }

    [Theory]
    [InlineData()]
    [InlineData("fly")]
    [InlineData("set-behavior")]
    [InlineData("get-behavior", "extra")]
    [InlineData("get-behavior", "--option", "sleep=2")]
    [InlineData("set-behavior", "delay", "--option", "sleep")]
    [InlineData("--host")]
    [InlineData("--frobnicate", "get-behavior")]
    public async Task BadCommandLine_IsAUsageError(params string[] args)
    {
        var (exitCode, stdout, stderr) = await CtlRun.RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Equal("", stdout);
        Assert.StartsWith("vaurienctl: ", stderr);
    }

    [Fact]
    public async Task Help_PrintsTheCommands()
    {
        var (exitCode, stdout, _) = await CtlRun.RunAsync("--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("set-behavior NAME [--option KEY=VALUE ...]", stdout);
    }

    private static Task<VaurienProxy> StartAsync(EchoBackend backend) =>
        VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = backend.Address });
}
