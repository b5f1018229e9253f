using Vaurien.Host.Cli;
using Vaurien.Host.Configuration;
using Vaurien.Host.Tests.Support;
using Vaurien.Toml;

namespace Vaurien.Host.Configuration.Tests;

public class SettingsBinderTests
{
    private static RawSettings Toml(string text) => TomlConfigReader.Read(TomlParser.Parse(text, "vaurien.toml"));

    private static RawSettings Flags(params string[] args)
    {
        var parsed = new CommandLineParser(TestExtensions.Catalog()).Parse(args);
        Assert.Empty(parsed.Errors);
        return parsed.Settings;
    }

    [Fact]
    public void Bind_Defaults_AreVaurienDefaults()
    {
        var settings = SettingsBinder.Bind([], TestExtensions.Catalog());
        Assert.Equal(new HostPort("localhost", 8000), settings.Listen);
        Assert.Equal(new HostPort("localhost", 80), settings.Backend);
        Assert.Equal("tcp", settings.Protocol.Name);
        Assert.Equal("dummy", settings.Policy.ToString());
        Assert.Equal(TimeSpan.FromSeconds(30), settings.Timeout);
        Assert.False(settings.Vaurien.StayConnected);
        Assert.Equal(1.0, ((SleepyOptions)settings.BehaviorOptions["delay"]).Sleep);
    }

    [Fact]
    public void Bind_FlagsWinOverFile_FileWinsOverDefaults()
    {
        var file = Toml("""
            [vaurien]
            backend = "localhost:6379"
            behavior = "20:delay"
            timeout = 5

            [behavior.delay]
            sleep = 2
            before = false
            """);
        var flags = Flags("--behavior-delay-sleep", "3", "--timeout", "7");
        var settings = SettingsBinder.Bind([file, flags], TestExtensions.Catalog());
        var delay = (SleepyOptions)settings.BehaviorOptions["delay"];
        Assert.Equal(3, delay.Sleep);
        Assert.False(delay.Before);
        Assert.Equal(TimeSpan.FromSeconds(7), settings.Timeout);
        Assert.Equal(new HostPort("localhost", 6379), settings.Backend);
        Assert.Equal("20:delay,80:dummy", settings.Policy.ToString());
        Assert.Same(delay, settings.Policy.Entries[0].Activation.Options);
    }

    [Fact]
    public void Bind_ReportsEveryError_WithFileLineAndColumn()
    {
        var file = Toml("""
            [vaurien]
            backend = "nowhere"
            behavior = "20:dlay"
            timeout = -1
            protocol = "gopher"

            [behavior.delay]
            sleep = "soon"
            slep = 1

            [behavior.nope]
            x = 1
            """);
        var e = Assert.Throws<ConfigurationException>(() => SettingsBinder.Bind([file], TestExtensions.Catalog()));
        Assert.Equal(7, e.Errors.Count);
        Assert.Contains(e.Errors, m => m.StartsWith("vaurien.toml(2,11): key 'backend' in [vaurien]: backend: 'nowhere' is not a HOST:PORT address", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.StartsWith("vaurien.toml(3,12): key 'behavior' in [vaurien]: Unknown behavior 'dlay'. Valid behaviors: delay, dummy, error.", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.StartsWith("vaurien.toml(4,11): key 'timeout' in [vaurien]: option 'timeout' must be a number", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.StartsWith("vaurien.toml(5,12): key 'protocol' in [vaurien]: Unknown protocol 'gopher'. Valid protocols: tcp.", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.StartsWith("vaurien.toml(8,9): key 'sleep' in [behavior.delay]: option 'sleep' must be a number", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.StartsWith("vaurien.toml(9,8): key 'slep' in [behavior.delay]: unknown option 'slep'", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.StartsWith("vaurien.toml(11,11): Unknown behavior 'nope'.", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_BehaviorTableByFullTypeName_SetsThatBehavior()
    {
        var file = Toml($"""
            [behavior."{typeof(SleepyBehavior).FullName}"]
            sleep = 4
            """);
        var settings = SettingsBinder.Bind([file], TestExtensions.Catalog());
        Assert.Equal(4, ((SleepyOptions)settings.BehaviorOptions["delay"]).Sleep);
    }

    [Fact]
    public void Bind_ProtocolTable_SetsProtocolOptions()
    {
        var file = Toml("""
            [protocol.tcp]
            buffer = 4096
            keep_alive = true
            """);
        var settings = SettingsBinder.Bind([file, Flags("--protocol-tcp-reuse-socket")], TestExtensions.Catalog());
        var tcp = (PlainOptions)settings.ProtocolOptions["tcp"];
        Assert.Equal(4096, tcp.Buffer);
        Assert.True(tcp.KeepAlive);
        Assert.True(tcp.ReuseSocket);
    }

    [Fact]
    public void Bind_FlagErrors_NameTheFlag()
    {
        var e = Assert.Throws<ConfigurationException>(() => SettingsBinder.Bind([Flags("--behavior-delay-sleep", "x", "--proxy", "localhost")], TestExtensions.Catalog()));
        Assert.Contains(e.Errors, m => m.StartsWith("--behavior-delay-sleep: option 'sleep' must be a number", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.StartsWith("--proxy: proxy: 'localhost' is not a HOST:PORT address", StringComparison.Ordinal));
    }
}
