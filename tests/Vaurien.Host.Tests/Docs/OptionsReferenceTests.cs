using Microsoft.Extensions.Logging.Abstractions;
using Vaurien.Host.Plugins;
using Vaurien.Host.Tests.Support;
using Xunit;

namespace Vaurien.Host.Docs.Tests;

public class OptionsReferenceTests
{
    [Fact]
    public void CheckedInPage_MatchesTheBuiltInPlugins()
    {
        // The built-in plugins as the host loads them: this test project lays them out in plugins/ beside it.
        var catalog = new PluginLoader(NullLoggerFactory.Instance, TimeProvider.System).Load([PluginLoader.DefaultRoot]);
        Assert.Empty(catalog.Failures);
        var expected = OptionsReference.Generate(catalog);

        var path = Path.Combine(RepoRoot(), "docs", "options.md");
        var actual = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";
        if (actual != expected)
        {
            var expectedLines = expected.Split('\n');
            var actualLines = actual.Split('\n');
            var line = Enumerable.Range(0, Math.Max(expectedLines.Length, actualLines.Length))
                .First(i => i >= expectedLines.Length || i >= actualLines.Length || expectedLines[i] != actualLines[i]);
            Assert.Fail(
                $"docs/options.md is stale (first difference at line {line + 1}): regenerate it from the repository root with\n" +
                $"  {OptionsReference.RegenerateCommand}\n" +
                $"expected: {(line < expectedLines.Length ? expectedLines[line] : "(end of page)")}\n" +
                $"found:    {(line < actualLines.Length ? actualLines[line] : "(end of page)")}");
        }
    }

    [Fact]
    public void Generate_ListsEveryOption_WithFlagTomlKeyTypeDefaultAndRange()
    {
        var page = OptionsReference.Generate(TestExtensions.Catalog());

        Assert.Contains("| `sleep` | `--behavior-delay-sleep` | `[behavior.delay]` `sleep` | float | `1` | 0 to 3600 |", page, StringComparison.Ordinal);
        Assert.Contains("| `codes` | `--behavior-error-codes` | `[behavior.error]` `codes` | list of int | `500,503` | 100 to 599 |", page, StringComparison.Ordinal);
        Assert.Contains("| `mode` | `--behavior-error-mode` | `[behavior.error]` `mode` | choice | `soft` | one of: ", page, StringComparison.Ordinal);
        Assert.Contains("| `keep_alive` | `--protocol-tcp-keep-alive` | `[protocol.tcp]` `keep_alive` | bool | `false` |", page, StringComparison.Ordinal);
        Assert.Contains("| `stay_connected` | `--stay-connected` | `[vaurien]` `stay_connected` | bool | `false` |", page, StringComparison.Ordinal);
        Assert.Contains("| `proxy` | `--proxy` | `[vaurien]` `proxy` | string | `\"localhost:8000\"` |", page, StringComparison.Ordinal);
        Assert.Contains("| `seed` | `--seed` | `[vaurien]` `seed` | int | unset |", page, StringComparison.Ordinal);
        Assert.Contains("| `plugins` | `--plugins` | `[vaurien]` `plugins` | list of string | none |", page, StringComparison.Ordinal);
        Assert.Contains("### behavior: dummy", page, StringComparison.Ordinal);
        Assert.Contains("[delay](#behavior-delay)", page, StringComparison.Ordinal);
        Assert.Contains("### protocol: tcp", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_EscapesWhatMarkdownWouldEat()
    {
        var page = OptionsReference.Generate(TestExtensions.Catalog());

        // VaurienOptions.Plugins says "<Name>/<Name>.dll": raw, a Markdown table would take it for an HTML tag.
        Assert.Contains("&lt;Name&gt;/&lt;Name&gt;.dll", page, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_WithAFile_WritesThePage()
    {
        var catalog = TestExtensions.Catalog();
        var path = Path.Combine(Path.GetTempPath(), $"vaurien-options-{Guid.NewGuid():N}.md");
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = OptionsReference.Run(["docs", "options", path], catalog, output, error);

            Assert.Equal(0, code);
            Assert.Equal(OptionsReference.Generate(catalog), File.ReadAllText(path));
            Assert.Empty(error.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(new[] { "docs", "options" }, true)]
    [InlineData(new[] { "--plugins", "/p", "docs", "options" }, true)]
    [InlineData(new[] { "--stay-connected", "docs", "options" }, true)]
    [InlineData(new[] { "--proxy", "docs" }, false)]
    [InlineData(new[] { "demo" }, false)]
    public void IsRequested_FindsTheCommandAmongFlags(string[] args, bool requested)
    {
        Assert.Equal(requested, OptionsReference.IsRequested(args));
    }

    [Fact]
    public void Run_UnknownTopic_IsAUsageError()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = OptionsReference.Run(["docs", "flags"], TestExtensions.Catalog(), output, error);

        Assert.Equal(2, code);
        Assert.Contains("usage: vaurien [--plugins DIR] docs options [FILE]", error.ToString(), StringComparison.Ordinal);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vaurien.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Vaurien.sln not found above {AppContext.BaseDirectory}.");
    }
}
