using System.Text;
using Vaurien.Templates.Tests.Support;

namespace Vaurien.Templates.Tests;

/// <summary><c>dotnet new vaurien-behavior</c>, as a plugin author goes: generate, build, test, publish, run in vaurien.</summary>
[Collection(TemplateCollection.Name)]
public class BehaviorTemplateTests(TemplateWorkspace workspace)
{
    [Fact]
    public async Task VaurienBehavior_BuildsTestsPublishes_AndActsOnTrafficInTheRealHost()
    {
        var templates = await TemplateCache.InstallAsync(workspace);
        var project = await templates.CreateAsync("vaurien-behavior", "My.Namespace.SuperBehavior");

        await workspace.DotnetAsync(project, "build", "-c", "Release");
        var test = await workspace.DotnetAsync(project, "test", "-c", "Release", "--no-build");
        Assert.Contains("Passed!", test.Stdout, StringComparison.Ordinal);

        var plugins = workspace.NewFolder("plugins");
        await workspace.DotnetAsync(project, "publish", "SuperBehavior", "-c", "Release", "--no-build", "-o", Path.Combine(plugins, "SuperBehavior"));
        var published = Directory.GetFiles(Path.Combine(plugins, "SuperBehavior")).Select(Path.GetFileName).ToList();
        Assert.Contains("SuperBehavior.dll", published);
        Assert.DoesNotContain("Vaurien.Abstractions.dll", published);
        Assert.DoesNotContain("System.Composition.AttributedModel.dll", published);

        // Its options, derived from the declarations, in --help.
        var help = await VaurienHost.RunAsync("--plugins", plugins, "--help");
        Assert.True(help.ExitCode == 0, help.Output);
        foreach (var expected in new[]
        {
            "super: Adds latency to every request",
            "(type My.Namespace.SuperBehavior)",
            "--behavior-super-latency-ms INT",
            "--behavior-super-error-percent FLOAT",
            "--behavior-super-error-message STRING",
        })
        {
            Assert.Contains(expected, help.Stdout, StringComparison.Ordinal);
        }

        await using var echo = new EchoServer();

        // By full type name, options as flags: every request waits the latency, then reaches the backend.
        await using (var host = await VaurienHost.StartAsync(
            "--proxy", "127.0.0.1:0", "--backend", echo.Address, "--plugins", plugins,
            "--behavior", "100:My.Namespace.SuperBehavior", "--behavior-super-latency-ms", "300", "--behavior-super-error-percent", "0"))
        {
            using var client = await ProxyClient.ConnectAsync(host.ProxyEndPoint);
            await client.SendAsync("ping\n");
            Assert.Equal("ping\n", Encoding.ASCII.GetString(await client.ReceiveAsync(5)));
            // Without the behavior a loopback round trip takes about a millisecond; timers may fire a tick early.
            Assert.True(client.SinceSent >= TimeSpan.FromMilliseconds(290), $"The round trip took {client.SinceSent.TotalMilliseconds} ms.");
        }

        // By name at 20%, options from [behavior.super] in TOML: the requests it picks get tcp's native error (random
        // bytes) and never reach the backend; the others are echoed.
        var config = Path.Combine(workspace.NewFolder("config"), "vaurien.toml");
        await File.WriteAllTextAsync(config, "[behavior.super]\nlatency_ms = 0\nerror_percent = 100\n");
        await using (var host = await VaurienHost.StartAsync(
            "--config", config, "--proxy", "127.0.0.1:0", "--backend", echo.Address, "--plugins", plugins, "--behavior", "20:super", "--seed", "7"))
        {
            var backendBefore = echo.BytesReceived;
            var (echoed, failed) = (0, 0);
            for (var i = 0; i < 40; i++)
            {
                using var client = await ProxyClient.ConnectAsync(host.ProxyEndPoint);
                await client.SendAsync("ping\n");
                var reply = await client.ReceiveAsync(5);
                Assert.Equal(5, reply.Length);
                if (Encoding.ASCII.GetString(reply) == "ping\n")
                {
                    echoed++;
                }
                else
                {
                    failed++;
                }
            }

            Assert.True(echoed > 0 && failed > 0, $"{echoed} echoed, {failed} failed: expected some of each at 20%.");
            Assert.Equal(5L * echoed, echo.BytesReceived - backendBefore);
        }

        await templates.UninstallAsync();
    }

    [Fact]
    public async Task VaurienBehavior_DottedName_NamesClassNamespaceExportedNameAndFiles()
    {
        var templates = await TemplateCache.InstallAsync(workspace);
        var project = await templates.CreateAsync("vaurien-behavior", "Acme.Chaos.SlowBehavior");

        var behavior = await File.ReadAllTextAsync(Path.Combine(project, "SlowBehavior", "SlowBehavior.cs"));
        Assert.Contains("namespace Acme.Chaos;", behavior, StringComparison.Ordinal);
        Assert.Contains("[ExportBehavior(\"slow\"", behavior, StringComparison.Ordinal);
        Assert.Contains("internal sealed class SlowBehavior : Behavior<SlowBehaviorOptions>", behavior, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(project, "SlowBehavior", "SlowBehaviorOptions.cs")));
        Assert.True(File.Exists(Path.Combine(project, "SlowBehavior.Tests", "SlowBehaviorTests.cs")));
        Assert.True(File.Exists(Path.Combine(project, "SlowBehavior.slnx")));

        var readme = await File.ReadAllTextAsync(Path.Combine(project, "README.md"));
        Assert.Contains("--behavior 20:Acme.Chaos.SlowBehavior", readme, StringComparison.Ordinal);
        Assert.Contains("--behavior-slow-latency-ms", readme, StringComparison.Ordinal);
        Assert.Contains("[behavior.slow]", readme, StringComparison.Ordinal);
        Assert.Contains("-o <vaurien>/plugins/SlowBehavior", readme, StringComparison.Ordinal);
        TemplateOutput.AssertNoPlaceholderLeft(project, "Super", "My.Namespace", "super");

        await templates.UninstallAsync();
    }
}
