using System.Text;

namespace Vaurien.Toml.Tests;

/// <summary>The first error stops the parse, and its message says where it is.</summary>
public sealed class ErrorTests
{
    [Fact]
    public void Message_StartsWithSourceLineAndColumn()
    {
        var error = Assert.Throws<TomlException>(() => TomlParser.Parse("a = 1\nb = \"\u00e9\" x\n", "config.toml"));

        Assert.Equal(2, error.Line);
        Assert.Equal(9, error.Column);
        Assert.Equal("config.toml", error.SourceName);
        Assert.Equal("config.toml(2,9): expected the end of the line, found 'x'", error.Message);
    }

    [Fact]
    public void Message_WithoutSourceName_SaysLineAndColumn()
    {
        var error = Assert.Throws<TomlException>(() => TomlParser.Parse("a = \n"));

        Assert.Null(error.SourceName);
        Assert.Equal("line 1, column 5: expected a value, found the end of the line", error.Message);
    }

    [Fact]
    public void DuplicateKey_PointsAtTheSecondDefinition()
    {
        var error = Assert.Throws<TomlException>(() => TomlParser.Parse("a = 1\nb = 2\n  a = 3\n", "c.toml"));

        Assert.Equal(new TomlPosition(3, 3), error.Position);
        Assert.Equal("c.toml(3,3): duplicate key 'a'", error.Message);
    }

    [Fact]
    public void DuplicateKeyInATable_PointsAtTheSecondDefinitionAndNamesTheTable()
    {
        var error = Assert.Throws<TomlException>(() => TomlParser.Parse("[server]\nport = 1\nhost.name = 'a'\nhost.name = 'b'\n"));

        Assert.Equal(new TomlPosition(4, 6), error.Position);
        Assert.Equal("duplicate key 'server.host.name'", error.Reason);
    }

    [Fact]
    public void DuplicateTable_PointsAtTheSecondHeader()
    {
        var error = Assert.Throws<TomlException>(() => TomlParser.Parse("[a]\nx = 1\n[b]\n[ a ]\n"));

        Assert.Equal(new TomlPosition(4, 3), error.Position);
        Assert.Equal("duplicate table 'a'", error.Reason);
    }

    [Fact]
    public void ExtendingAnInlineTable_IsRejected()
    {
        var error = Assert.Throws<TomlException>(() => TomlParser.Parse("a = { b = 1 }\na.c = 2\n"));

        Assert.Equal(new TomlPosition(2, 1), error.Position);
        Assert.Contains("inline table 'a'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ReturnsTheErrorInsteadOfThrowing()
    {
        Assert.False(TomlParser.TryParse("x = [1,,2]", "t.toml", out var document, out var error));
        Assert.Null(document);
        Assert.Equal("t.toml(1,8): expected a value, found ','", error.Message);

        Assert.True(TomlParser.TryParse("x = [1, 2]", "t.toml", out document, out error));
        Assert.Null(error);
        Assert.Equal(2, ((TomlArray)document.Root["x"]).Count);
    }

    [Fact]
    public void InvalidUtf8_IsRejectedAtItsPosition()
    {
        var bytes = Encoding.UTF8.GetBytes("a = 1\nb = \"\u00e9").Concat(new byte[] { 0xC3, 0x28, (byte)'"' }).ToArray();

        var error = Assert.Throws<TomlException>(() => TomlParser.Parse(bytes, "bad.toml"));

        Assert.Equal(new TomlPosition(2, 7), error.Position);
        Assert.Equal("bad.toml(2,7): invalid UTF-8 byte 0xC3", error.Message);
    }

    [Fact]
    public void TryParseBytes_ReportsInvalidUtf8()
    {
        Assert.False(TomlParser.TryParse(new byte[] { 0xFF, 0xFE }, null, out _, out var error));
        Assert.Equal(new TomlPosition(1, 1), error.Position);
    }

    [Fact]
    public void Utf8Bytes_WithByteOrderMark_Parse()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("k = \"v\"")).ToArray();

        var root = TomlParser.Parse(bytes).Root;

        Assert.Equal("v", ((TomlString)root["k"]).Value);
    }

    [Fact]
    public void LoneSurrogateInAString_IsRejected()
    {
        var error = Assert.Throws<TomlException>(() => TomlParser.Parse("a = \"\ud800\""));

        Assert.Equal(new TomlPosition(1, 6), error.Position);
        Assert.Contains("surrogate", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseFile_NamesTheFileInErrors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vaurien-toml-{Guid.NewGuid():N}.toml");
        File.WriteAllText(path, "ok = true\nbroken =\n");
        try
        {
            var error = Assert.Throws<TomlException>(() => TomlParser.ParseFile(path));

            Assert.Equal(path, error.SourceName);
            Assert.StartsWith($"{path}(2,9): ", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
