using System.Text;
using Vaurien.Templates.Tests.Support;
using Vaurien.Testing.Repository;

namespace Vaurien.Templates.Tests;

/// <summary>
/// Broken plugin folders as a user meets them, through the real host: one log line each, naming the folder and the
/// reason, and the host runs on with the other plugins; unless the configuration uses one, then it stops at start-up.
/// The plugins are the loader's fixtures (tests/Fixtures/README.md).
/// </summary>
public sealed class PluginFailureTests : IDisposable
{
    private const string NotAssemblyReason = "'NotAssembly.dll' is not a .NET assembly";
    private const string MissingDependencyReason = "missing dependency: assembly 'Fixture.MissingDependency.Library";
    private const string WrongAbstractionsReason = "it was built against Vaurien.Abstractions 2.0.0.0, but this host provides Vaurien.Abstractions 1.0.0.0";

    private readonly string _plugins = Directory.CreateTempSubdirectory("vaurien-broken-plugins-").FullName;

    public PluginFailureTests()
    {
        // A text file named like a plugin.
        Directory.CreateDirectory(Path.Combine(_plugins, "NotAssembly"));
        File.WriteAllText(Path.Combine(_plugins, "NotAssembly", "NotAssembly.dll"), "not a .NET assembly");

        // A plugin whose library was not published with it.
        CopyFixture("Fixture.MissingDependency");
        File.Delete(Path.Combine(_plugins, "Fixture.MissingDependency", "Fixture.MissingDependency.Library.dll"));

        // A plugin built against Vaurien.Abstractions 2.0.
        CopyFixture("Fixture.WrongAbstractions");

        // And a good one beside them.
        CopyFixture("Fixture.Isolated");
    }

    private string NotAssemblyFolder => Path.Combine(_plugins, "NotAssembly");

    private string MissingDependencyFolder => Path.Combine(_plugins, "Fixture.MissingDependency");

    private string WrongAbstractionsFolder => Path.Combine(_plugins, "Fixture.WrongAbstractions");

    [Fact]
    public async Task BrokenPlugins_OneLogLineEach_AndTheHostRunsOnWithTheOthers()
    {
        await using var echo = new EchoServer();
        await using var host = await VaurienHost.StartAsync(
            "--proxy", "127.0.0.1:0", "--backend", echo.Address, "--plugins", _plugins, "--behavior", "100:isolated");

        using (var client = await ProxyClient.ConnectAsync(host.ProxyEndPoint))
        {
            await client.SendAsync("ping\n");
            Assert.Equal("ping\n", Encoding.ASCII.GetString(await client.ReceiveAsync(5)));
        }

        var failures = host.Log.Split('\n').Where(l => l.Contains("[ERROR]", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, failures.Count);
        AssertOneLine(failures, NotAssemblyFolder, NotAssemblyReason);
        AssertOneLine(failures, MissingDependencyFolder, MissingDependencyReason);
        AssertOneLine(failures, WrongAbstractionsFolder, WrongAbstractionsReason);
        Assert.DoesNotContain("   at ", host.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenPlugins_AreNamedInHelp_WithTheGoodOnesListed()
    {
        var help = await VaurienHost.RunAsync("--plugins", _plugins, "--help");

        Assert.True(help.ExitCode == 0, help.Output);
        Assert.Contains("isolated: Uses Newtonsoft.Json 12.", help.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Note: Plugin '{MissingDependencyFolder}' was not loaded: {MissingDependencyReason}", help.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("greeting", "Fixture.MissingDependency", MissingDependencyReason)]
    [InlineData("Fixture.MissingDependency.GreetingBehavior", "Fixture.MissingDependency", MissingDependencyReason)]
    [InlineData("future", "Fixture.WrongAbstractions", WrongAbstractionsReason)]
    [InlineData("NotAssembly", "NotAssembly", NotAssemblyReason)]
    public async Task ConfigurationUsesABrokenPlugin_ExitsAtStartUpWithItsReason(string behavior, string folder, string reason)
    {
        var result = await VaurienHost.RunAsync(
            "--proxy", "127.0.0.1:0", "--backend", "127.0.0.1:1", "--plugins", _plugins, "--behavior", $"100:{behavior}");

        Assert.True(result.ExitCode == 2, $"Exit code {result.ExitCode}.\n{result.Output}");
        var message = result.Stderr.Split('\n').Single(l => l.StartsWith("vaurien: ", StringComparison.Ordinal));
        Assert.Contains($"Unknown behavior '{behavior}'", message, StringComparison.Ordinal);
        Assert.Contains($"Plugin '{Path.Combine(_plugins, folder)}' was not loaded: {reason}", message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_plugins, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private static void AssertOneLine(List<string> lines, string folder, string reason)
    {
        var line = Assert.Single(lines, l => l.Contains($"Plugin '{folder}' was not loaded: ", StringComparison.Ordinal));
        Assert.Contains(reason, line, StringComparison.Ordinal);
    }

    private void CopyFixture(string name)
    {
        // The loader's fixture plugins, copied into this test's output by the build.
        var source = Path.Combine(AppContext.BaseDirectory, "fixtures", name);
        if (!Directory.Exists(source))
        {
            throw new InvalidOperationException($"The fixture plugin '{source}' was not built: build tests/Vaurien.Templates.Tests.");
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(_plugins, name, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }
}
