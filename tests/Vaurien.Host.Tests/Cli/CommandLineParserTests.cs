using Vaurien.Host.Cli;
using Vaurien.Host.Tests.Support;

namespace Vaurien.Host.Cli.Tests;

public class CommandLineParserTests
{
    private static CommandLine Parse(params string[] args) => new CommandLineParser(TestExtensions.Catalog()).Parse(args);

    [Fact]
    public void Parse_VaurienExample_SetsEverything()
    {
        var line = Parse("--proxy", "localhost:8000", "--backend", "localhost:6379", "--protocol", "tcp", "--behavior", "20:delay,5:error", "--behavior-delay-sleep", "2");
        Assert.Empty(line.Errors);
        var values = line.Settings.Vaurien.Values;
        Assert.Equal("localhost:8000", values["proxy"].Raw);
        Assert.Equal("localhost:6379", values["backend"].Raw);
        Assert.Equal("20:delay,5:error", values["behavior"].Raw);
        Assert.Equal("2", line.Settings.Behaviors["delay"].Values["sleep"].Raw);
        Assert.Equal("--behavior-delay-sleep", line.Settings.Behaviors["delay"].Values["sleep"].Location);
    }

    [Fact]
    public void Parse_OldSpellings_AreAliases()
    {
        var line = Parse("--local", "localhost:1", "--distant", "localhost:2", "--handler-delay-sleep", "3", "--handlers.error.warmup", "4");
        Assert.Empty(line.Errors);
        Assert.Equal("localhost:1", line.Settings.Vaurien.Values["proxy"].Raw);
        Assert.Equal("localhost:2", line.Settings.Vaurien.Values["backend"].Raw);
        Assert.Equal("3", line.Settings.Behaviors["delay"].Values["sleep"].Raw);
        Assert.Equal("4", line.Settings.Behaviors["error"].Values["warmup"].Raw);
    }

    [Theory]
    [InlineData(new[] { "--stay-connected" }, "true")]
    [InlineData(new[] { "--stay-connected", "false" }, "false")]
    [InlineData(new[] { "--stay-connected=no" }, "no")]
    public void Parse_BoolFlags_TakeNoValueOrAnExplicitOne(string[] args, string expected)
    {
        var line = Parse([.. args, "--proxy", "localhost:1"]);
        Assert.Empty(line.Errors);
        Assert.Equal(expected, line.Settings.Vaurien.Values["stay_connected"].Raw);
        Assert.Equal("localhost:1", line.Settings.Vaurien.Values["proxy"].Raw);
    }

    [Fact]
    public void Parse_ProtocolBoolFlag_IsDerivedFromDeclaration()
    {
        var line = Parse("--protocol-tcp-keep-alive", "--protocol-tcp-buffer=4096");
        Assert.Empty(line.Errors);
        Assert.Equal("true", line.Settings.Protocols["tcp"].Values["keep_alive"].Raw);
        Assert.Equal("4096", line.Settings.Protocols["tcp"].Values["buffer"].Raw);
    }

    [Fact]
    public void Parse_RepeatedListFlag_Accumulates()
    {
        var line = Parse("--plugins", "a,b", "--plugins", "c");
        Assert.Equal(new List<object?> { "a", "b", "c" }, line.Settings.Vaurien.Values["plugins"].Raw);
    }

    [Theory]
    [InlineData(new[] { "--behavior-dlay-sleep", "2" }, "Unknown option '--behavior-dlay-sleep'.")]
    [InlineData(new[] { "--backend" }, "Option '--backend' needs a value.")]
    [InlineData(new[] { "--backend", "--proxy", "x:1" }, "Option '--backend' needs a value.")]
    [InlineData(new[] { "stray" }, "Unexpected argument 'stray'.")]
    public void Parse_BadInput_IsReported(string[] args, string expected)
    {
        var line = Parse(args);
        Assert.Contains(line.Errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_SpecialFlagsAndDemoCommand()
    {
        var line = Parse("demo", "--config", "x.toml", "--help", "--version");
        Assert.Equal("demo", line.Command);
        Assert.Equal("x.toml", line.ConfigPath);
        Assert.True(line.Help);
        Assert.True(line.Version);
    }

    [Fact]
    public void PreParse_IgnoresFlagsOnlyPluginsKnow()
    {
        var line = CommandLineParser.PreParse(["--behavior-super-level", "3", "--plugins", "/p", "--config", "c.toml"]);
        Assert.Empty(line.Errors);
        Assert.Equal("c.toml", line.ConfigPath);
        Assert.Equal(new List<object?> { "/p" }, line.Settings.Vaurien.Values["plugins"].Raw);
    }

    [Fact]
    public void Help_ListsBehaviorsProtocolsOptionsAndDefaults()
    {
        var output = new StringWriter();
        HelpWriter.Write(output, TestExtensions.Catalog());
        var text = output.ToString();
        Assert.Contains("--behavior-delay-sleep FLOAT", text);
        Assert.Contains("(default: 1; 0 to 3600)", text);
        Assert.Contains("--protocol-tcp-keep-alive", text);
        Assert.Contains("--stay-connected", text);
        Assert.Contains("--http-port INT", text);
        Assert.Contains("delay: The delay test behavior.", text);
        Assert.Contains("tcp: The tcp test protocol.", text);
    }
}
