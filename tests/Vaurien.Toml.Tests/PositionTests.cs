namespace Vaurien.Toml.Tests;

/// <summary>Every key and value knows where it was written, so the config loader can point at it.</summary>
public sealed class PositionTests
{
    private const string Document =
        "# settings\n" +                          // 1
        "title = \"Vaurien\"\n" +                 // 2
        "\n" +                                     // 3
        "[server]\n" +                             // 4
        "port = 8080\n" +                          // 5
        "  sleep.min = 1.5\n" +                    // 6
        "tags = [\"a\", { x = 1 }]\n" +            // 7
        "\"quoted key\" = 'v'\n" +                 // 8
        "[[backend]]\n" +                          // 9
        "host = \"h1\"\n" +                        // 10
        "[[backend]]\n" +                          // 11
        "names = { \"\u00e9\" = \"\u00fc\", k = 2 }\n" + // 12
        "e = { \"\U0001F600\" = 1, z = 2 }\n";     // 13

    private readonly TomlTable _root = TomlParser.Parse(Document, "config.toml").Root;

    [Fact]
    public void TopLevelKeyAndValue()
    {
        Assert.Equal(new TomlPosition(2, 1), _root.GetKeyPosition("title"));
        Assert.Equal(new TomlPosition(2, 9), _root["title"].Position);
    }

    [Fact]
    public void TableHeader_KeyIsTheNameAndTableIsTheHeader()
    {
        Assert.Equal(new TomlPosition(4, 2), _root.GetKeyPosition("server"));
        Assert.Equal(new TomlPosition(4, 1), _root["server"].Position);
    }

    [Fact]
    public void KeysInsideATable()
    {
        var server = (TomlTable)_root["server"];

        Assert.Equal(new TomlPosition(5, 1), server.GetKeyPosition("port"));
        Assert.Equal(new TomlPosition(5, 8), server["port"].Position);
        Assert.Equal(new TomlPosition(8, 1), server.GetKeyPosition("quoted key"));
        Assert.Equal(new TomlPosition(8, 16), server["quoted key"].Position);
    }

    [Fact]
    public void DottedKey_EachPartHasItsOwnPosition()
    {
        var server = (TomlTable)_root["server"];
        var sleep = (TomlTable)server["sleep"];

        Assert.Equal(new TomlPosition(6, 3), server.GetKeyPosition("sleep"));
        Assert.Equal(new TomlPosition(6, 3), sleep.Position);
        Assert.Equal(new TomlPosition(6, 9), sleep.GetKeyPosition("min"));
        Assert.Equal(new TomlPosition(6, 15), sleep["min"].Position);
    }

    [Fact]
    public void ArrayItemsAndInlineTables()
    {
        var server = (TomlTable)_root["server"];
        var tags = (TomlArray)server["tags"];
        var inline = (TomlTable)tags[1];

        Assert.Equal(new TomlPosition(7, 8), tags.Position);
        Assert.Equal(new TomlPosition(7, 9), tags[0].Position);
        Assert.Equal(new TomlPosition(7, 14), inline.Position);
        Assert.Equal(new TomlPosition(7, 16), inline.GetKeyPosition("x"));
        Assert.Equal(new TomlPosition(7, 20), inline["x"].Position);
    }

    [Fact]
    public void ArrayOfTables_EachElementIsItsHeader()
    {
        var backends = (TomlArray)_root["backend"];

        Assert.True(backends.IsArrayOfTables);
        Assert.Equal(new TomlPosition(9, 3), _root.GetKeyPosition("backend"));
        Assert.Equal(new TomlPosition(9, 1), backends.Position);
        Assert.Equal(new TomlPosition(9, 1), backends[0].Position);
        Assert.Equal(new TomlPosition(11, 1), backends[1].Position);
        Assert.Equal(new TomlPosition(10, 8), ((TomlTable)backends[0])["host"].Position);
    }

    [Fact]
    public void Columns_CountCharactersNotUtf16Units()
    {
        var second = (TomlTable)((TomlArray)_root["backend"])[1];
        var names = (TomlTable)second["names"];
        var emoji = (TomlTable)second["e"];

        Assert.Equal(new TomlPosition(12, 11), names.GetKeyPosition("\u00e9"));
        Assert.Equal(new TomlPosition(12, 17), names["\u00e9"].Position);
        Assert.Equal(new TomlPosition(12, 22), names.GetKeyPosition("k"));
        Assert.Equal(new TomlPosition(12, 26), names["k"].Position);

        // U+1F600 is two UTF-16 units but one column.
        Assert.Equal(new TomlPosition(13, 16), emoji.GetKeyPosition("z"));
        Assert.Equal(new TomlPosition(13, 20), emoji["z"].Position);
    }

    [Fact]
    public void ImplicitTable_TakesThePositionOfItsLaterHeader()
    {
        var root = TomlParser.Parse("[a.b]\nx = 1\n\n[a]\ny = 2\n").Root;

        Assert.Equal(new TomlPosition(1, 2), root.GetKeyPosition("a"));
        Assert.Equal(new TomlPosition(4, 1), root["a"].Position);
    }

    [Fact]
    public void ByteOrderMark_IsNotAColumn()
    {
        var root = TomlParser.Parse("\uFEFFa = 1").Root;

        Assert.Equal(new TomlPosition(1, 1), root.GetKeyPosition("a"));
        Assert.Equal(new TomlPosition(1, 5), root["a"].Position);
    }

    [Fact]
    public void CrLfLines_AreCountedOnce()
    {
        var root = TomlParser.Parse("a = 1\r\nb = \"\"\"\r\nx\r\ny\"\"\"\r\nc = 3\r\n").Root;

        Assert.Equal(new TomlPosition(2, 5), root["b"].Position);
        Assert.Equal(new TomlPosition(5, 1), root.GetKeyPosition("c"));
        Assert.Equal(new TomlPosition(5, 5), root["c"].Position);
    }

    [Fact]
    public void KeyPosition_OfAMissingKey()
    {
        Assert.False(_root.TryGetKeyPosition("nope", out _));
        Assert.Throws<KeyNotFoundException>(() => _root.GetKeyPosition("nope"));
        Assert.True(_root.TryGetKeyPosition("title", out var position));
        Assert.Equal(new TomlPosition(2, 1), position);
    }

    [Fact]
    public void Document_FormatsLocationsAndErrorsForLaterValidation()
    {
        var document = TomlParser.Parse("[server]\n  sleep = -1\n", "config.toml");
        var sleep = ((TomlTable)document.Root["server"])["sleep"];

        var error = document.CreateError(sleep.Position, "key 'sleep' must not be negative");

        Assert.Equal("config.toml(2,11)", document.FormatLocation(sleep.Position));
        Assert.Equal("config.toml(2,11): key 'sleep' must not be negative", error.Message);
        Assert.Equal("key 'sleep' must not be negative", error.Reason);
        Assert.Equal(2, error.Line);
        Assert.Equal(11, error.Column);
        Assert.Equal("config.toml", error.SourceName);
    }
}
