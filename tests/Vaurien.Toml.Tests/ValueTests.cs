namespace Vaurien.Toml.Tests;

/// <summary>The typed values the reader produces.</summary>
public sealed class ValueTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("+17", 17L)]
    [InlineData("-17", -17L)]
    [InlineData("1_000_000", 1_000_000L)]
    [InlineData("0xDEAD_beef", 0xDEADBEEFL)]
    [InlineData("0o755", 493L)]
    [InlineData("0b1101", 13L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    [InlineData("0x7FFFFFFFFFFFFFFF", long.MaxValue)]
    public void Integers(string text, long expected)
    {
        var value = Assert.IsType<TomlInteger>(Parse(text));

        Assert.Equal(expected, value.Value);
        Assert.Equal("integer", value.TypeName);
    }

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("0x8000000000000000")]
    [InlineData("0b1_0000000000000000000000000000000000000000000000000000000000000000")]
    public void Integers_OutOfRange_AreErrors(string text)
    {
        var error = Assert.Throws<TomlException>(() => Parse(text));

        Assert.Contains("out of the 64-bit range", error.Reason, StringComparison.Ordinal);
        Assert.Equal(new TomlPosition(1, 5), error.Position);
    }

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData("-0.25", -0.25)]
    [InlineData("5e+22", 5e22)]
    [InlineData("6.626e-34", 6.626e-34)]
    [InlineData("1_000.000_1", 1000.0001)]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("+inf", double.PositiveInfinity)]
    [InlineData("-inf", double.NegativeInfinity)]
    public void Floats(string text, double expected)
    {
        var value = Assert.IsType<TomlFloat>(Parse(text));

        Assert.Equal(expected, value.Value);
    }

    [Theory]
    [InlineData("nan")]
    [InlineData("+nan")]
    [InlineData("-nan")]
    public void Floats_NaN(string text)
    {
        Assert.True(double.IsNaN(Assert.IsType<TomlFloat>(Parse(text)).Value));
    }

    [Fact]
    public void Booleans()
    {
        Assert.True(Assert.IsType<TomlBoolean>(Parse("true")).Value);
        Assert.False(Assert.IsType<TomlBoolean>(Parse("false")).Value);
    }

    [Theory]
    [InlineData("\"tab\\there\"", "tab\there")]
    [InlineData("\"\\u00e9\\U0001F600\"", "\u00e9\U0001F600")]
    [InlineData("'C:\\path\\n'", "C:\\path\\n")]
    [InlineData("\"\"\"\nline1\nline2\"\"\"", "line1\nline2")]
    [InlineData("\"\"\"\r\nline1\r\nline2\"\"\"", "line1\nline2")]
    [InlineData("\"\"\"a \\\n    b\"\"\"", "a b")]
    [InlineData("'''\n'quoted' \\n'''", "'quoted' \\n")]
    [InlineData("\"\"\"\"\"two quotes\"\"\"\"\"", "\"\"two quotes\"\"")]
    public void Strings(string text, string expected)
    {
        Assert.Equal(expected, Assert.IsType<TomlString>(Parse(text)).Value);
    }

    [Fact]
    public void OffsetDateTime_KeepsFieldsOffsetAndFraction()
    {
        var value = Assert.IsType<TomlDateTimeValue>(Parse("1979-05-27T00:32:00.999999-07:00"));
        var dateTime = value.Value;

        Assert.Equal(TomlDateTimeKind.OffsetDateTime, dateTime.Kind);
        Assert.Equal("offset date-time", value.TypeName);
        Assert.Equal((1979, 5, 27, 0, 32, 0), (dateTime.Year, dateTime.Month, dateTime.Day, dateTime.Hour, dateTime.Minute, dateTime.Second));
        Assert.Equal(999_999_000, dateTime.Nanosecond);
        Assert.Equal(6, dateTime.FractionDigits);
        Assert.Equal(-420, dateTime.OffsetMinutes);
        Assert.Equal("1979-05-27T00:32:00.999999-07:00", dateTime.ToString());
        Assert.Equal(new DateTimeOffset(1979, 5, 27, 0, 32, 0, TimeSpan.FromHours(-7)).AddTicks(9_999_990), dateTime.ToDateTimeOffset());
    }

    [Fact]
    public void OffsetDateTime_SpaceSeparatorAndLowerCaseZ()
    {
        var dateTime = Assert.IsType<TomlDateTimeValue>(Parse("1979-05-27 07:32:00z")).Value;

        Assert.Equal(0, dateTime.OffsetMinutes);
        Assert.Equal("1979-05-27T07:32:00Z", dateTime.ToString());
        Assert.Equal(new DateTime(1979, 5, 27, 7, 32, 0, DateTimeKind.Utc), dateTime.ToDateTime());
    }

    [Fact]
    public void LocalKinds_AreDistinct()
    {
        var localDateTime = Assert.IsType<TomlDateTimeValue>(Parse("1979-05-27T07:32:00")).Value;
        var localDate = Assert.IsType<TomlDateTimeValue>(Parse("1979-05-27")).Value;
        var localTime = Assert.IsType<TomlDateTimeValue>(Parse("07:32:00.5")).Value;

        Assert.Equal(TomlDateTimeKind.LocalDateTime, localDateTime.Kind);
        Assert.Null(localDateTime.OffsetMinutes);
        Assert.Equal(DateTimeKind.Unspecified, localDateTime.ToDateTime().Kind);

        Assert.Equal(TomlDateTimeKind.LocalDate, localDate.Kind);
        Assert.False(localDate.HasTime);
        Assert.Equal(new DateOnly(1979, 5, 27), localDate.ToDateOnly());
        Assert.Throws<InvalidOperationException>(() => localDate.ToTimeOnly());

        Assert.Equal(TomlDateTimeKind.LocalTime, localTime.Kind);
        Assert.False(localTime.HasDate);
        Assert.Equal(new TimeOnly(7, 32, 0, 500), localTime.ToTimeOnly());
        Assert.Equal("07:32:00.5", localTime.ToString());
        Assert.Throws<InvalidOperationException>(() => localTime.ToDateTimeOffset());
    }

    [Fact]
    public void DateTime_FractionBeyondNanoseconds_IsTruncated()
    {
        var dateTime = Assert.IsType<TomlDateTimeValue>(Parse("00:00:00.1234567891")).Value;

        Assert.Equal(123_456_789, dateTime.Nanosecond);
        Assert.Equal(9, dateTime.FractionDigits);
    }

    [Fact]
    public void DateTime_EqualityIsByValueNotSpelling()
    {
        var a = Assert.IsType<TomlDateTimeValue>(Parse("1979-05-27T07:32:00.5Z")).Value;
        var b = Assert.IsType<TomlDateTimeValue>(Parse("1979-05-27 07:32:00.500z")).Value;
        var c = Assert.IsType<TomlDateTimeValue>(Parse("1979-05-27T07:32:00.5")).Value;

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData("2024-02-29", true)]
    [InlineData("2000-02-29", true)]
    [InlineData("2023-02-29", false)]
    [InlineData("1900-02-29", false)]
    [InlineData("2024-04-31", false)]
    [InlineData("2024-12-31", true)]
    [InlineData("23:59:60", true)]
    [InlineData("23:59:61", false)]
    [InlineData("24:00:00", false)]
    [InlineData("2024-01-01T00:00:00+23:59", true)]
    [InlineData("2024-01-01T00:00:00+24:00", false)]
    [InlineData("07:32:00Z", false)]
    public void DateTime_Validity(string text, bool valid)
    {
        Assert.Equal(valid, TomlParser.TryParse($"v = {text}", null, out _, out _));
    }

    [Fact]
    public void LeapSecond_IsKeptButCannotBeConverted()
    {
        var dateTime = Assert.IsType<TomlDateTimeValue>(Parse("1990-12-31T23:59:60Z")).Value;

        Assert.Equal(60, dateTime.Second);
        Assert.Throws<InvalidOperationException>(() => dateTime.ToDateTimeOffset());
    }

    [Fact]
    public void Arrays_MayMixTypes()
    {
        var array = Assert.IsType<TomlArray>(Parse("[ 1, 'two', [3.0], { four = 4 }, ]"));

        Assert.Equal(4, array.Count);
        Assert.Equal(
            [TomlValueKind.Integer, TomlValueKind.String, TomlValueKind.Array, TomlValueKind.Table],
            array.Select(item => item.Kind).ToArray());
        Assert.False(array.IsArrayOfTables);
    }

    [Fact]
    public void Tables_KeepDocumentOrderAndActAsReadOnlyDictionaries()
    {
        var root = TomlParser.Parse("z = 1\na = 2\n\"m m\" = 3\n[t]\n").Root;
        IReadOnlyDictionary<string, TomlValue> dictionary = root;

        Assert.Equal(["z", "a", "m m", "t"], root.Keys);
        Assert.Equal(["z", "a", "m m", "t"], root.Select(pair => pair.Key).ToArray());
        Assert.Equal([TomlValueKind.Integer, TomlValueKind.Integer, TomlValueKind.Integer, TomlValueKind.Table], root.Values.Select(v => v.Kind).ToArray());
        Assert.Equal(4, dictionary.Count);
        Assert.True(dictionary.ContainsKey("m m"));
        Assert.True(dictionary.TryGetValue("a", out var a));
        Assert.Equal(2L, ((TomlInteger)a).Value);
        Assert.False(root.TryGetValue("missing", out _));
        Assert.Throws<KeyNotFoundException>(() => root["missing"]);
    }

    [Fact]
    public void DottedKeysAndHeaders_BuildNestedTables()
    {
        var root = TomlParser.Parse("[fruit]\napple.color = 'red'\napple.taste.sweet = true\n\n[fruit.apple.texture]\nsmooth = true\n").Root;
        var apple = (TomlTable)((TomlTable)root["fruit"])["apple"];

        Assert.Equal(["color", "taste", "texture"], apple.Keys);
        Assert.True(((TomlBoolean)((TomlTable)apple["texture"])["smooth"]).Value);
    }

    [Theory]
    [InlineData("[fruit]\napple.color = 'red'\n[fruit.apple]\n")]
    [InlineData("a = [1]\n[[a]]\n")]
    [InlineData("[[a]]\n[a]\n")]
    [InlineData("[a.b.c]\n[a]\nb.c.d = 1\n")]
    [InlineData("a = {}\n[a.b]\n")]
    [InlineData("a = { b = { c = 1 } }\n[a.b]\n")]
    [InlineData("t = { x = 1, }\n")]
    [InlineData("t = { x = 1,\n y = 2 }\n")]
    public void RedefinitionAndInlineTableRules(string text)
    {
        Assert.Throws<TomlException>(() => TomlParser.Parse(text));
    }

    private static TomlValue Parse(string valueText) => TomlParser.Parse($"v = {valueText}").Root["v"];
}
