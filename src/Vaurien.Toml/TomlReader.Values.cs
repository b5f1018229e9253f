namespace Vaurien.Toml;

// Values: dispatch, booleans, arrays and inline tables.
internal sealed partial class TomlReader
{
    private TomlValue ParseValue(int depth, string path)
    {
        var start = _pos;
        var c = Peek();
        switch (c)
        {
            case '"':
                var basic = Peek(1) == '"' && Peek(2) == '"' ? ParseMultilineString('"') : ParseBasicString();
                return new TomlString(basic, Position(start));
            case '\'':
                var literal = Peek(1) == '\'' && Peek(2) == '\'' ? ParseMultilineString('\'') : ParseLiteralString();
                return new TomlString(literal, Position(start));
            case '[':
                return ParseArray(depth, path);
            case '{':
                return ParseInlineTable(depth, path);
            case 't':
                return ParseKeyword("true", true);
            case 'f':
                return ParseKeyword("false", false);
            case Eof or '\n' or '\r' or '#' or ',' or ']' or '}':
                throw Error(start, $"expected a value, found {Describe(c)}");
            default:
                if (IsDigit(c) || c is '+' or '-' or 'i' or 'n')
                {
                    return ParseNumberOrDateTime();
                }

                throw Error(start, char.IsLetter((char)c)
                    ? $"expected a value, found {Describe(c)} (strings must be quoted)"
                    : $"expected a value, found {Describe(c)}");
        }
    }

    private TomlBoolean ParseKeyword(string word, bool value)
    {
        var start = _pos;
        if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0 || IsBareKeyChar(Peek(word.Length)))
        {
            throw Error(start, "invalid value: expected 'true' or 'false' (lower case), or a quoted string");
        }

        _pos += word.Length;
        return new TomlBoolean(value, Position(start));
    }

    private TomlArray ParseArray(int depth, string path)
    {
        var start = _pos;
        CheckDepth(depth, start);
        var array = new TomlArray(Position(start), depth, isArrayOfTables: false);
        _pos++;
        while (true)
        {
            SkipArrayTrivia();
            if (Peek() == ']')
            {
                _pos++;
                return array;
            }

            array.Add(ParseValue(depth + 1, path));
            SkipArrayTrivia();
            var c = Peek();
            if (c == ',')
            {
                _pos++;
            }
            else if (c == ']')
            {
                _pos++;
                return array;
            }
            else if (c == Eof)
            {
                throw Error(start, "unterminated array: missing ']'");
            }
            else
            {
                throw Error(_pos, $"expected ',' or ']' in the array, found {Describe(c)}");
            }
        }
    }

    private TomlTable ParseInlineTable(int depth, string path)
    {
        var start = _pos;
        CheckDepth(depth, start);
        var table = new TomlTable(Position(start), depth, TableOrigin.Inline, path, _section);
        _pos++;
        SkipWhitespace();
        if (Peek() == '}')
        {
            _pos++;
            table.Freeze();
            return table;
        }

        while (true)
        {
            SkipWhitespace();
            CheckInlineTableChar(start, afterComma: table.Count > 0);
            ParseKeyValue(table);
            SkipWhitespace();
            var c = Peek();
            if (c == '}')
            {
                _pos++;
                table.Freeze();
                return table;
            }

            if (c != ',')
            {
                CheckInlineTableChar(start, afterComma: false);
                throw Error(_pos, $"expected ',' or '}}' in the inline table, found {Describe(c)}");
            }

            _pos++;
        }
    }

    private void CheckInlineTableChar(int start, bool afterComma)
    {
        var c = Peek();
        if (c == Eof)
        {
            throw Error(start, "unterminated inline table: missing '}'");
        }

        if (c is '\n' or '\r' or '#')
        {
            throw Error(_pos, "an inline table must be on a single line (no newlines or comments inside '{ }')");
        }

        if (c == '}' && afterComma)
        {
            throw Error(_pos, "trailing comma not allowed in an inline table");
        }
    }
}
