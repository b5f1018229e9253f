using System.Globalization;
using System.Text;

namespace Vaurien.Toml;

// Whitespace, comments, line ends and character classes.
internal sealed partial class TomlReader
{
    private void SkipWhitespace()
    {
        while (Peek() is ' ' or '\t')
        {
            _pos++;
        }
    }

    private void SkipComment()
    {
        _pos++;
        while (true)
        {
            var c = Peek();
            if (c is Eof or '\n' || (c == '\r' && Peek(1) == '\n'))
            {
                return;
            }

            if (IsControl(c))
            {
                throw Error(_pos, c == '\r'
                    ? "bare carriage return in a comment (a newline must be LF or CRLF)"
                    : $"{Describe(c)} is not allowed in a comment");
            }

            _pos++;
        }
    }

    /// <summary>After a key-value pair or a header only whitespace and a comment may follow on the line.</summary>
    private void ExpectLineEnd()
    {
        SkipWhitespace();
        if (Peek() == '#')
        {
            SkipComment();
        }

        var c = Peek();
        if (c == Eof)
        {
            return;
        }

        if (c == '\n')
        {
            _pos++;
        }
        else if (c == '\r' && Peek(1) == '\n')
        {
            _pos += 2;
        }
        else if (c == '\r')
        {
            throw Error(_pos, "bare carriage return: a newline must be LF or CRLF");
        }
        else
        {
            throw Error(_pos, $"expected the end of the line, found {Describe(c)}");
        }
    }

    private void SkipArrayTrivia()
    {
        while (true)
        {
            SkipWhitespace();
            var c = Peek();
            if (c == '#')
            {
                SkipComment();
            }
            else if (c == '\n')
            {
                _pos++;
            }
            else if (c == '\r' && Peek(1) == '\n')
            {
                _pos += 2;
            }
            else
            {
                return;
            }
        }
    }

    private void CheckSurrogates()
    {
        // Strings from UTF-8 are always well-formed; other strings may hold lone surrogates.
        for (var i = 0; i < _text.Length; i++)
        {
            if (char.IsHighSurrogate(_text[i]) && i + 1 < _text.Length && char.IsLowSurrogate(_text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(_text[i]))
            {
                throw Error(i, $"invalid Unicode: lone surrogate U+{(int)_text[i]:X4}");
            }
        }
    }

    private void CheckDepth(int depth, int offset)
    {
        if (depth > TomlParser.MaxNestingDepth)
        {
            throw Error(offset, $"tables and arrays nest too deeply (more than {TomlParser.MaxNestingDepth} levels)");
        }
    }

    private int Peek() => _pos < _text.Length ? _text[_pos] : Eof;

    private int Peek(int ahead) => _pos + ahead < _text.Length ? _text[_pos + ahead] : Eof;

    private TomlPosition Position(int offset) => _lines.GetPosition(offset);

    private TomlException Error(int offset, string reason) => new(reason, Position(offset), _sourceName);

    private bool IsDate(int start) =>
        IsDigit(_text[start]) && IsDigit(_text[start + 1]) && IsDigit(_text[start + 2]) && IsDigit(_text[start + 3])
        && _text[start + 4] == '-' && IsDigit(_text[start + 5]) && IsDigit(_text[start + 6])
        && _text[start + 7] == '-' && IsDigit(_text[start + 8]) && IsDigit(_text[start + 9]);

    private static bool IsDigit(int c) => c is >= '0' and <= '9';

    private static int HexValue(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static bool IsBareKeyChar(int c) => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-';

    private static bool IsTokenChar(int c) => IsBareKeyChar(c) || c is '+' or '.' or ':';

    private static bool IsControl(int c) => c is (>= 0 and < 0x20 and not '\t') or 0x7F;

    private static string Describe(int c) => c switch
    {
        Eof => "the end of the document",
        '\n' or '\r' => "the end of the line",
        < 0x20 or 0x7F => $"control character U+{c:X4}",
        ' ' => "a space",
        _ when c > 0x7E && !char.IsLetterOrDigit((char)c) && !char.IsPunctuation((char)c) && !char.IsSymbol((char)c) => $"U+{c:X4}",
        _ => $"'{(char)c}'",
    };

    private static string Article(TomlValue value)
    {
        var name = value.TypeName;
        return (name[0] is 'a' or 'e' or 'i' or 'o' or 'u' ? "an " : "a ") + name;
    }

    private static string Join(string path, string name)
    {
        var key = name.Length > 0 && name.All(c => IsBareKeyChar(c)) ? name : Quote(name);
        return path.Length == 0 ? key : path + "." + key;
    }

    private static string Quote(string name)
    {
        var builder = new StringBuilder(name.Length + 2).Append('"');
        foreach (var c in name)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c < 0x20 || c == 0x7F)
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }
}
