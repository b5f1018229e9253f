using System.Buffers;
using System.Text;

namespace My.Namespace.Tests;

public class LineFramingTests
{
    [Theory]
    [InlineData("GET a\nGET b\n", false, new[] { "GET a\n", "GET b\n" }, "")]
    [InlineData("GET a\nGET", false, new[] { "GET a\n" }, "GET")]
    [InlineData("GET a\nGET", true, new[] { "GET a\n", "GET" }, "")]
    [InlineData("0123456789abcdefXYZ", false, new[] { "0123456789abcdef" }, "XYZ")]
    [InlineData("", true, new string[0], "")]
    public void TryTakeLine_Cuts_LinesUpToTheLimit(string input, bool isEndOfStream, string[] lines, string rest)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(input));
        var taken = new List<string>();
        while (LineFraming.TryTakeLine(ref buffer, maxLength: 16, isEndOfStream, out var line))
        {
            taken.Add(Encoding.ASCII.GetString(line));
        }

        Assert.Equal(lines, taken);
        Assert.Equal(rest, Encoding.ASCII.GetString(buffer));
    }

    [Theory]
    [InlineData("get key\r\n", "GET")]
    [InlineData("QUIT\n", "QUIT")]
    [InlineData("PING", "PING")]
    [InlineData("\n", null)]
    [InlineData(" leading space\n", null)]
    [InlineData("averyveryveryveryveryverylongfirstword x\n", null)]
    public void CommandOf_IsTheFirstWord_UpperCase(string line, string? command)
    {
        Assert.Equal(command, LineFraming.CommandOf(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(line))));
    }
}
