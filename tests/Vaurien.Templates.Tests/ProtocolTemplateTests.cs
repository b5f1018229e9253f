using System.Text;
using Vaurien.Templates.Tests.Support;

namespace Vaurien.Templates.Tests;

/// <summary><c>dotnet new vaurien-protocol</c>, as a plugin author goes: generate, build, test, publish, run in vaurien.</summary>
[Collection(TemplateCollection.Name)]
public class ProtocolTemplateTests(TemplateWorkspace workspace)
{
    private const string Error = "ERR backend unavailable\n";

    [Fact]
    public async Task VaurienProtocol_BuildsTestsPublishes_AndFramesTrafficInTheRealHost()
    {
        var templates = await TemplateCache.InstallAsync(workspace);
        var project = await templates.CreateAsync("vaurien-protocol", "My.Namespace.LineProtocol");
        TemplateOutput.AssertNoPlaceholderLeft(project, "Super", "super");

        await workspace.DotnetAsync(project, "build", "-c", "Release");
        var test = await workspace.DotnetAsync(project, "test", "-c", "Release", "--no-build");
        Assert.Contains("Passed!", test.Stdout, StringComparison.Ordinal);

        var plugins = workspace.NewFolder("plugins");
        await workspace.DotnetAsync(project, "publish", "LineProtocol", "-c", "Release", "--no-build", "-o", Path.Combine(plugins, "LineProtocol"));
        var published = Directory.GetFiles(Path.Combine(plugins, "LineProtocol")).Select(Path.GetFileName).ToList();
        Assert.Contains("LineProtocol.dll", published);
        Assert.DoesNotContain("Vaurien.Abstractions.dll", published);
        Assert.DoesNotContain("System.Composition.AttributedModel.dll", published);

        var help = await VaurienHost.RunAsync("--plugins", plugins, "--help");
        Assert.True(help.ExitCode == 0, help.Output);
        foreach (var expected in new[] { "line: A line-based text protocol", "(type My.Namespace.LineProtocol)", "--protocol-line-max-line-length INT", "--protocol-line-keep-alive" })
        {
            Assert.Contains(expected, help.Stdout, StringComparison.Ordinal);
        }

        await using var echo = new EchoServer();

        // By name, with its option: every line (a 40-byte one in pieces of 16) gets its own ERR line from the built-in
        // error behavior, and nothing reaches the backend.
        await using (var host = await VaurienHost.StartAsync(
            "--proxy", "127.0.0.1:0", "--backend", echo.Address, "--plugins", plugins,
            "--protocol", "line", "--protocol-line-max-line-length", "16", "--behavior", "100:error"))
        {
            using var client = await ProxyClient.ConnectAsync(host.ProxyEndPoint);
            await client.SendAsync("hello\n" + new string('x', 40) + "\n");
            Assert.Equal(string.Concat(Enumerable.Repeat(Error, 4)), await client.ReceiveLinesAsync(4));
            Assert.Equal(0, echo.BytesReceived);
        }

        // By full type name, framing each line for a behavior that lets it through.
        await using (var host = await VaurienHost.StartAsync(
            "--proxy", "127.0.0.1:0", "--backend", echo.Address, "--plugins", plugins,
            "--protocol", "My.Namespace.LineProtocol", "--behavior", "100:delay", "--behavior-delay-sleep", "0"))
        {
            using var client = await ProxyClient.ConnectAsync(host.ProxyEndPoint);
            await client.SendAsync("hello\nworld\n");
            Assert.Equal("hello\nworld\n", await client.ReceiveLinesAsync(2));
        }

        // The pass-through fast path (only dummy set): bytes go through unframed.
        await using (var host = await VaurienHost.StartAsync(
            "--proxy", "127.0.0.1:0", "--backend", echo.Address, "--plugins", plugins, "--protocol", "line"))
        {
            using var client = await ProxyClient.ConnectAsync(host.ProxyEndPoint);
            await client.SendAsync("hello\nwor");
            Assert.Equal("hello\nwor", Encoding.ASCII.GetString(await client.ReceiveAsync(9)));
        }

        await templates.UninstallAsync();
    }
}
