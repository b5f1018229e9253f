namespace Vaurien.Toml;

// Basic, literal and multi-line strings with their escapes.
internal sealed partial class TomlReader
{
    private string ParseBasicString()
    {
        var start = _pos;
        _pos++;
        _builder.Clear();
        while (true)
        {
            var c = Peek();
            if (c == '"')
            {
                _pos++;
                return _builder.ToString();
            }

            if (c is Eof or '\n' || (c == '\r' && Peek(1) == '\n'))
            {
                throw Error(start, "unterminated string: missing '\"' before the end of the line");
            }

            if (c == '\\')
            {
                ParseEscape();
                continue;
            }

            CheckStringChar(c);
            _builder.Append((char)c);
            _pos++;
        }
    }

    private string ParseLiteralString()
    {
        var start = _pos;
        _pos++;
        while (true)
        {
            var c = Peek();
            if (c == '\'')
            {
                _pos++;
                return _text[(start + 1)..(_pos - 1)];
            }

            if (c is Eof or '\n' || (c == '\r' && Peek(1) == '\n'))
            {
                throw Error(start, "unterminated literal string: missing \"'\" before the end of the line");
            }

            CheckStringChar(c);
            _pos++;
        }
    }

    /// <summary>Parses <c>"""...."""</c> (with escapes) or <c>'''...'''</c> (without).</summary>
    private string ParseMultilineString(char quote)
    {
        var start = _pos;
        var escapes = quote == '"';
        _pos += 3;

        // A newline right after the opening delimiter is trimmed.
        if (Peek() == '\n')
        {
            _pos++;
        }
        else if (Peek() == '\r' && Peek(1) == '\n')
        {
            _pos += 2;
        }

        _builder.Clear();
        while (true)
        {
            var c = Peek();
            if (c == Eof)
            {
                throw Error(start, $"unterminated multi-line string: missing {quote}{quote}{quote}");
            }

            if (c == quote)
            {
                var run = 0;
                while (Peek(run) == quote)
                {
                    run++;
                }

                if (run < 3)
                {
                    _builder.Append(quote, run);
                    _pos += run;
                    continue;
                }

                // Up to two quotes may sit right before the closing delimiter.
                if (run > 5)
                {
                    throw Error(_pos + 5, $"too many {quote} characters: at most two may precede the closing delimiter");
                }

                _builder.Append(quote, run - 3);
                _pos += run;
                return _builder.ToString();
            }

            if (c == '\\' && escapes)
            {
                if (!SkipLineEndingBackslash())
                {
                    ParseEscape();
                }

                continue;
            }

            if (c == '\n')
            {
                _builder.Append('\n');
                _pos++;
                continue;
            }

            if (c == '\r' && Peek(1) == '\n')
            {
                // CRLF is normalized so that a value does not depend on how the file was saved.
                _builder.Append('\n');
                _pos += 2;
                continue;
            }

            CheckStringChar(c);
            _builder.Append((char)c);
            _pos++;
        }
    }

    /// <summary>A backslash that ends a line trims it and all whitespace and newlines after it.</summary>
    private bool SkipLineEndingBackslash()
    {
        var i = _pos + 1;
        while (Peek(i - _pos) is ' ' or '\t')
        {
            i++;
        }

        var next = Peek(i - _pos);
        if (next != '\n' && !(next == '\r' && Peek(i - _pos + 1) == '\n'))
        {
            return false;
        }

        _pos = i;
        while (true)
        {
            var c = Peek();
            if (c is ' ' or '\t' or '\n')
            {
                _pos++;
            }
            else if (c == '\r' && Peek(1) == '\n')
            {
                _pos += 2;
            }
            else
            {
                return true;
            }
        }
    }

    private void ParseEscape()
    {
        var start = _pos;
        _pos++;
        var c = Peek();
        switch (c)
        {
            case 'b':
                _builder.Append('\b');
                break;
            case 't':
                _builder.Append('\t');
                break;
            case 'n':
                _builder.Append('\n');
                break;
            case 'f':
                _builder.Append('\f');
                break;
            case 'r':
                _builder.Append('\r');
                break;
            case '"':
                _builder.Append('"');
                break;
            case '\\':
                _builder.Append('\\');
                break;
            case 'u':
                AppendUnicodeEscape(start, 4);
                return;
            case 'U':
                AppendUnicodeEscape(start, 8);
                return;
            default:
                var shown = c is Eof or < ' ' or 0x7F ? string.Empty : ((char)c).ToString();
                throw Error(start, $"invalid escape sequence '\\{shown}': allowed are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX");
        }

        _pos++;
    }

    private void AppendUnicodeEscape(int start, int digits)
    {
        _pos++;
        var value = 0;
        for (var i = 0; i < digits; i++)
        {
            var digit = HexValue(Peek());
            if (digit < 0)
            {
                throw Error(start, $"invalid Unicode escape: \\{(digits == 4 ? 'u' : 'U')} needs exactly {digits} hexadecimal digits");
            }

            // Eight hex digits can exceed int: anything above U+10FFFF is rejected below anyway.
            value = value > 0x10FFFF ? value : (value * 16) + digit;
            _pos++;
        }

        if (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        {
            throw Error(start, $"invalid Unicode escape '{_text[start.._pos]}': not a Unicode scalar value");
        }

        _builder.Append(char.ConvertFromUtf32(value));
    }

    private void CheckStringChar(int c)
    {
        if (IsControl(c))
        {
            throw Error(_pos, c == '\r'
                ? "bare carriage return in a string (a newline must be LF or CRLF)"
                : $"{Describe(c)} must be escaped in a string");
        }
    }
}
