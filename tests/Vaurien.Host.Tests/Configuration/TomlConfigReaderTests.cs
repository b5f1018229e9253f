using Vaurien.Host.Configuration;
using Vaurien.Toml;

namespace Vaurien.Host.Configuration.Tests;

public class TomlConfigReaderTests
{
    [Fact]
    public void Read_CollectsShapeErrors_AllAtOnce()
    {
        var document = TomlParser.Parse("""
            proxy = "localhost:1"
            vaurien = 3

            [behaviors.delay]
            sleep = 1

            [behavior]
            delay = 2
            """, "bad.toml");
        var e = Assert.Throws<ConfigurationException>(() => TomlConfigReader.Read(document));
        Assert.Equal(
            [
                "bad.toml(1,1): unknown key or table 'proxy': expected [vaurien], [behavior.NAME] or [protocol.NAME].",
                "bad.toml(2,1): 'vaurien' must be a table, e.g. [vaurien].",
                "bad.toml(4,2): unknown key or table 'behaviors': expected [vaurien], [behavior.NAME] or [protocol.NAME].",
                "bad.toml(8,1): 'behavior.delay' must be a table of options, e.g. [behavior.delay].",
            ],
            e.Errors);
    }

    [Fact]
    public void ReadFile_Missing_IsOneClearMessage()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vaurien-missing-{Guid.NewGuid():N}.toml");
        var e = Assert.Throws<ConfigurationException>(() => TomlConfigReader.ReadFile(path));
        Assert.StartsWith($"Cannot read the config file '{path}':", Assert.Single(e.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_InvalidToml_SaysFileLineAndColumn()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vaurien-{Guid.NewGuid():N}.toml");
        File.WriteAllText(path, "[vaurien]\nbackend = localhost:80\n");
        try
        {
            var e = Assert.Throws<ConfigurationException>(() => TomlConfigReader.ReadFile(path));
            Assert.StartsWith($"{path}(2,", Assert.Single(e.Errors), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_ConvertsValues_AndKeepsPositions()
    {
        var settings = TomlConfigReader.Read(TomlParser.Parse("""
            [vaurien]
            timeout = 2.5
            stay_connected = true
            plugins = ["a", "b"]
            """, "ok.toml"));
        Assert.Equal(2.5, settings.Vaurien.Values["timeout"].Raw);
        Assert.Equal(true, settings.Vaurien.Values["stay_connected"].Raw);
        Assert.Equal(new List<object?> { "a", "b" }, settings.Vaurien.Values["plugins"].Raw);
        Assert.Equal("ok.toml(2,11): key 'timeout' in [vaurien]", settings.Vaurien.Values["timeout"].Location);
    }
}
