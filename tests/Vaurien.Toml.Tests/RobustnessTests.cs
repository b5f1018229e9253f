using System.Diagnostics;
using System.Text;

namespace Vaurien.Toml.Tests;

/// <summary>No input may crash the reader, overflow the stack or take long: it parses or throws <see cref="TomlException"/>.</summary>
public sealed class RobustnessTests(ITestOutputHelper output)
{
    private const int Max = TomlParser.MaxNestingDepth;

    [Fact]
    public void NestedArrays_UpToTheLimit_Parse()
    {
        var root = TomlParser.Parse($"a = {new string('[', Max)}{new string(']', Max)}").Root;

        var depth = 0;
        TomlValue? value = root["a"];
        while (value is TomlArray array)
        {
            depth++;
            value = array.Count > 0 ? array[0] : null;
        }

        Assert.Equal(Max, depth);
    }

    [Fact]
    public void NestedArrays_BeyondTheLimit_AreRejectedWhereTheyGoTooDeep()
    {
        var error = Assert.Throws<TomlException>(() => TomlParser.Parse($"a = {new string('[', Max + 1)}{new string(']', Max + 1)}", "deep.toml"));

        Assert.Equal(new TomlPosition(1, 5 + Max), error.Position);
        Assert.Contains("nest too deeply", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeNesting_IsRejectedWithoutStackOverflow()
    {
        Assert.Throws<TomlException>(() => TomlParser.Parse("a = " + new string('[', 1_000_000)));
        Assert.Throws<TomlException>(() => TomlParser.Parse("a = " + string.Concat(Enumerable.Repeat("{ b = ", 1_000_000))));
        Assert.Throws<TomlException>(() => TomlParser.Parse("a = " + string.Concat(Enumerable.Repeat("[{ b = ", 500_000))));
    }

    [Fact]
    public void DeepTablesByKeys_AreLimitedToo()
    {
        var segments = string.Join('.', Enumerable.Repeat("k", 1_000_000));

        Assert.Throws<TomlException>(() => TomlParser.Parse($"{segments} = 1"));
        Assert.Throws<TomlException>(() => TomlParser.Parse($"[{segments}]"));
        Assert.Throws<TomlException>(() => TomlParser.Parse($"[[{segments}]]"));
        Assert.Throws<TomlException>(() => TomlParser.Parse($"x = {{ {segments} = 1 }}"));

        // The root is depth 0, so Max dotted parts (Max - 1 tables and a value) still fit.
        var atLimit = string.Join('.', Enumerable.Repeat("k", Max));
        Assert.True(TomlParser.TryParse($"{atLimit} = 1", null, out _, out _));
        Assert.True(TomlParser.TryParse($"[{atLimit}]", null, out _, out _));
    }

    [Fact]
    public void RandomTokenSoup_NeverCrashes()
    {
        string[] pieces =
        [
            "[", "]", "[[", "]]", "{", "}", "=", ".", ",", "\"", "'", "\"\"\"", "'''", "\\", "\\u", "\\U0010FFFF", "#",
            "\n", "\r\n", "\r", " ", "\t", "a", "b.c", "1", "-", "+", "_", "0x", "0o7", "0b1", "e", "E5", "inf", "nan",
            "true", "false", "1979-05-27", "T", "07:32:00", ".5", "Z", "+01:00", ":", "\u00e9", "\U0001F600", "\u0000",
            "\u007f", "\uFEFF", "\ud800", "x = ", "[t]\n", "[[t]]\n", "t.u = 1\n",
        ];
        var random = new Random(20240601);
        var parsed = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var builder = new StringBuilder();
            var count = random.Next(1, 40);
            for (var j = 0; j < count; j++)
            {
                builder.Append(pieces[random.Next(pieces.Length)]);
            }

            if (ParsesOrFailsCleanly(builder.ToString()))
            {
                parsed++;
            }
        }

        output.WriteLine($"{parsed} of 20000 random documents parsed, the rest failed cleanly");
    }

    [Fact]
    public void MutatedConformanceDocuments_NeverCrash()
    {
        var folder = TomlTestData.RequireFolder();
        var random = new Random(7);
        var documents = 0;
        foreach (var relativePath in TomlTestData.ListCases().Where(p => p.StartsWith("valid/", StringComparison.Ordinal)))
        {
            var original = File.ReadAllBytes(Path.Combine(folder, "tests", relativePath));
            for (var round = 0; round < 20; round++)
            {
                var bytes = original.ToList();
                for (var edits = random.Next(1, 4); edits > 0; edits--)
                {
                    var at = random.Next(bytes.Count + 1);
                    var kind = random.Next(3);
                    if (kind == 0 && at < bytes.Count)
                    {
                        bytes.RemoveAt(at);
                    }
                    else if (kind == 1 && at < bytes.Count)
                    {
                        bytes[at] = (byte)random.Next(256);
                    }
                    else
                    {
                        bytes.Insert(at, "[]{}=.,\"'#\n\\_:-+"u8[random.Next(16)]);
                    }
                }

                var mutated = bytes.ToArray();
                try
                {
                    TomlParser.TryParse(mutated, relativePath, out _, out _);
                }
                catch (Exception exception)
                {
                    Assert.Fail($"{relativePath} mutated to {Convert.ToBase64String(mutated)} crashed the reader: {exception}");
                }

                documents++;
            }
        }

        output.WriteLine($"{documents} mutated documents, none crashed");
    }

    [Fact]
    public void OneMegabyteDocuments_Parse_AndReportTheirTime()
    {
        var config = new StringBuilder();
        for (var i = 0; config.Length < 1_000_000; i++)
        {
            config.Append(
                $"[[route]]\nname = \"route-{i}\" # comment\nport = {8000 + i}\nratio = 0.{i}\nwhen = 2024-01-01T00:00:{i % 60:D2}Z\n" +
                $"tags = [\"a\", 'b', \"\"\"c\"\"\"]\nlimits = {{ min = 1, max.soft = 2 }}\n\n");
        }

        var singleLine = new StringBuilder("values = [");
        while (singleLine.Length < 1_000_000)
        {
            singleLine.Append("12345, \"text\", ");
        }

        singleLine.Append(']');

        // Keys are positioned as well as values: a long line must not make that quadratic.
        var inlineTable = new StringBuilder("table = { ");
        for (var i = 0; inlineTable.Length < 1_000_000; i++)
        {
            inlineTable.Append($"k{i}.x = \"\u00e9\U0001F600\", ");
        }

        inlineTable.Append("last = 0 }");
        TomlParser.Parse("warm = [1, 'up']\n");

        foreach (var (name, text) in new[] { ("config", config.ToString()), ("single-line array", singleLine.ToString()), ("single-line inline table", inlineTable.ToString()) })
        {
            var stopwatch = Stopwatch.StartNew();
            var document = TomlParser.Parse(text);
            stopwatch.Stop();

            output.WriteLine($"{name}: {text.Length:N0} characters parsed in {stopwatch.ElapsedMilliseconds} ms");
            Assert.True(document.Root.Count > 0);
        }
    }

    private static bool ParsesOrFailsCleanly(string text)
    {
        try
        {
            return TomlParser.TryParse(text, null, out _, out _);
        }
        catch (Exception exception)
        {
            Assert.Fail($"The reader crashed on {Escape(text)}: {exception}");
            return false;
        }
    }

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:X4}" : c.ToString()));
}
