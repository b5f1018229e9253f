using System.Globalization;

namespace Vaurien.Toml;

// Integers, floats and the four date-time forms.
internal sealed partial class TomlReader
{
    private TomlValue ParseNumberOrDateTime()
    {
        var start = _pos;
        while (IsTokenChar(Peek()))
        {
            _pos++;
        }

        // A date may be followed by a space and a time: "1979-05-27 07:32:00".
        if (_pos - start == 10 && IsDate(start) && Peek() == ' ' && IsDigit(Peek(1)) && IsDigit(Peek(2)) && Peek(3) == ':')
        {
            _pos++;
            while (IsTokenChar(Peek()))
            {
                _pos++;
            }
        }

        var token = _text.AsSpan(start, _pos - start);
        if (LooksLikeDateTime(token))
        {
            return new TomlDateTimeValue(ParseDateTime(token, start), Position(start));
        }

        return ParseNumber(token, start);
    }

    private static bool LooksLikeDateTime(ReadOnlySpan<char> token)
    {
        for (var i = 1; i < token.Length; i++)
        {
            if (token[i] == ':' || (token[i] == '-' && token[i - 1] is not ('e' or 'E')))
            {
                return IsDigit(token[0]);
            }
        }

        return false;
    }

    private TomlDateTime ParseDateTime(ReadOnlySpan<char> token, int start)
    {
        var i = 0;
        int year = 0, month = 0, day = 0;
        var hasDate = token.Length >= 5 && token[4] == '-';
        if (hasDate)
        {
            year = ReadFixedDigits(token, ref i, 4, start);
            ExpectChar(token, ref i, '-', start);
            month = ReadFixedDigits(token, ref i, 2, start);
            ExpectChar(token, ref i, '-', start);
            day = ReadFixedDigits(token, ref i, 2, start);
            if (month is < 1 or > 12)
            {
                throw Error(start, $"invalid date '{token}': month must be 01 to 12");
            }

            if (day < 1 || day > DaysInMonth(year, month))
            {
                throw Error(start, $"invalid date '{token}': day must be 01 to {DaysInMonth(year, month):D2} in that month");
            }

            if (i == token.Length)
            {
                return new TomlDateTime(TomlDateTimeKind.LocalDate, year, month, day, 0, 0, 0, 0, 0, 0);
            }

            if (token[i] is not ('T' or 't' or ' '))
            {
                throw Error(start + i, $"invalid date-time '{token}': expected 'T' or a space between date and time");
            }

            i++;
        }

        var hour = ReadFixedDigits(token, ref i, 2, start);
        ExpectChar(token, ref i, ':', start);
        var minute = ReadFixedDigits(token, ref i, 2, start);
        ExpectChar(token, ref i, ':', start);
        var second = ReadFixedDigits(token, ref i, 2, start);
        if (hour > 23 || minute > 59 || second > 60)
        {
            throw Error(start, $"invalid time in '{token}': hour must be 00-23, minute 00-59, second 00-60");
        }

        int nanosecond = 0, fractionDigits = 0;
        if (i < token.Length && token[i] == '.')
        {
            i++;
            var fractionStart = i;
            while (i < token.Length && IsDigit(token[i]))
            {
                // Digits beyond nanoseconds are truncated, as the spec allows.
                if (i - fractionStart < 9)
                {
                    nanosecond = (nanosecond * 10) + (token[i] - '0');
                    fractionDigits++;
                }

                i++;
            }

            if (i == fractionStart)
            {
                throw Error(start + i, $"invalid time in '{token}': expected digits after '.'");
            }

            for (var pad = fractionDigits; pad < 9; pad++)
            {
                nanosecond *= 10;
            }
        }

        if (!hasDate)
        {
            ExpectEnd(token, i, start, "a local time has no offset");
            return new TomlDateTime(TomlDateTimeKind.LocalTime, 0, 0, 0, hour, minute, second, nanosecond, fractionDigits, 0);
        }

        if (i == token.Length)
        {
            return new TomlDateTime(TomlDateTimeKind.LocalDateTime, year, month, day, hour, minute, second, nanosecond, fractionDigits, 0);
        }

        var offset = 0;
        if (token[i] is 'Z' or 'z')
        {
            i++;
        }
        else if (token[i] is '+' or '-')
        {
            var sign = token[i] == '-' ? -1 : 1;
            i++;
            var offsetHour = ReadFixedDigits(token, ref i, 2, start);
            ExpectChar(token, ref i, ':', start);
            var offsetMinute = ReadFixedDigits(token, ref i, 2, start);
            if (offsetHour > 23 || offsetMinute > 59)
            {
                throw Error(start, $"invalid offset in '{token}': hours must be 00-23 and minutes 00-59");
            }

            offset = sign * ((offsetHour * 60) + offsetMinute);
        }

        ExpectEnd(token, i, start, "expected 'Z' or an offset like +01:00 after the time");
        return new TomlDateTime(TomlDateTimeKind.OffsetDateTime, year, month, day, hour, minute, second, nanosecond, fractionDigits, offset);
    }

    private int ReadFixedDigits(ReadOnlySpan<char> token, ref int i, int count, int start)
    {
        var value = 0;
        for (var n = 0; n < count; n++, i++)
        {
            if (i >= token.Length || !IsDigit(token[i]))
            {
                throw Error(start + Math.Min(i, token.Length), $"invalid date-time '{token}': expected {count} digits");
            }

            value = (value * 10) + (token[i] - '0');
        }

        return value;
    }

    private void ExpectChar(ReadOnlySpan<char> token, ref int i, char expected, int start)
    {
        if (i >= token.Length || token[i] != expected)
        {
            throw Error(start + Math.Min(i, token.Length), $"invalid date-time '{token}': expected '{expected}'");
        }

        i++;
    }

    private void ExpectEnd(ReadOnlySpan<char> token, int i, int start, string hint)
    {
        if (i != token.Length)
        {
            throw Error(start + i, $"invalid date-time '{token}': unexpected '{token[i]}' ({hint})");
        }
    }

    private static int DaysInMonth(int year, int month) => month switch
    {
        2 => (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    private TomlValue ParseNumber(ReadOnlySpan<char> token, int start)
    {
        var position = Position(start);
        var i = 0;
        var negative = false;
        var signed = token.Length > 0 && token[0] is '+' or '-';
        if (signed)
        {
            negative = token[0] == '-';
            i = 1;
        }

        var rest = token[i..];
        if (rest.SequenceEqual("inf"))
        {
            return new TomlFloat(negative ? double.NegativeInfinity : double.PositiveInfinity, position);
        }

        if (rest.SequenceEqual("nan"))
        {
            return new TomlFloat(negative ? -double.NaN : double.NaN, position);
        }

        if (rest.Length >= 2 && rest[0] == '0' && rest[1] is 'x' or 'o' or 'b')
        {
            if (signed)
            {
                throw Error(start, $"invalid integer '{token}': hexadecimal, octal and binary integers cannot have a sign");
            }

            return new TomlInteger(ParsePrefixedInteger(token, start), position);
        }

        var integerStart = i;
        if (!ScanDigits(token, ref i, 10))
        {
            throw Error(start + i, $"invalid value '{token}'");
        }

        if (i - integerStart > 1 && token[integerStart] == '0')
        {
            throw Error(start, $"invalid number '{token}': leading zeros are not allowed");
        }

        if (i == token.Length)
        {
            return new TomlInteger(ParseDecimalInteger(token, start, integerStart, negative), position);
        }

        if (token[i] == '.')
        {
            i++;
            if (!ScanDigits(token, ref i, 10))
            {
                throw Error(start + i, $"invalid float '{token}': a digit must follow the decimal point");
            }
        }

        if (i < token.Length && token[i] is 'e' or 'E')
        {
            i++;
            if (i < token.Length && token[i] is '+' or '-')
            {
                i++;
            }

            if (!ScanDigits(token, ref i, 10))
            {
                throw Error(start + i, $"invalid float '{token}': the exponent needs digits");
            }
        }

        if (i != token.Length)
        {
            throw Error(start + i, $"invalid number '{token}': unexpected '{token[i]}'");
        }

        var digits = token.ToString().Replace("_", string.Empty, StringComparison.Ordinal);
        var value = double.Parse(digits, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(value))
        {
            throw Error(start, $"float '{token}' is out of range");
        }

        return new TomlFloat(value, position);
    }

    private long ParseDecimalInteger(ReadOnlySpan<char> token, int start, int digitsStart, bool negative)
    {
        // Accumulate the magnitude unsigned: -9223372036854775808 has no positive counterpart.
        ulong magnitude = 0;
        foreach (var c in token[digitsStart..])
        {
            if (c == '_')
            {
                continue;
            }

            if (magnitude > (ulong.MaxValue - 9) / 10)
            {
                throw Error(start, $"integer '{token}' is out of the 64-bit range");
            }

            magnitude = (magnitude * 10) + (ulong)(c - '0');
        }

        var limit = negative ? (ulong)long.MaxValue + 1 : long.MaxValue;
        if (magnitude > limit)
        {
            throw Error(start, $"integer '{token}' is out of the 64-bit range");
        }

        return negative ? (long)(0 - magnitude) : (long)magnitude;
    }

    private long ParsePrefixedInteger(ReadOnlySpan<char> token, int start)
    {
        var radix = token[1] switch
        {
            'x' => 16,
            'o' => 8,
            _ => 2,
        };
        var i = 2;
        if (!ScanDigits(token, ref i, radix) || i != token.Length)
        {
            throw Error(start + Math.Min(i, token.Length), $"invalid base-{radix} integer '{token}'");
        }

        ulong value = 0;
        var bitsPerDigit = radix switch
        {
            16 => 4,
            8 => 3,
            _ => 1,
        };
        foreach (var c in token[2..])
        {
            if (c == '_')
            {
                continue;
            }

            if (value > (ulong)long.MaxValue >> bitsPerDigit)
            {
                throw Error(start, $"integer '{token}' is out of the 64-bit range");
            }

            value = (value << bitsPerDigit) | (uint)HexValue(c);
        }

        return (long)value;
    }

    /// <summary>Scans digits of <paramref name="radix"/> where each '_' must sit between two digits.</summary>
    private static bool ScanDigits(ReadOnlySpan<char> token, ref int i, int radix)
    {
        if (i >= token.Length || !IsRadixDigit(token[i], radix))
        {
            return false;
        }

        while (i < token.Length)
        {
            if (IsRadixDigit(token[i], radix))
            {
                i++;
            }
            else if (token[i] == '_' && i + 1 < token.Length && IsRadixDigit(token[i + 1], radix))
            {
                i += 2;
            }
            else
            {
                break;
            }
        }

        return true;
    }

    private static bool IsRadixDigit(char c, int radix) => radix switch
    {
        16 => HexValue(c) >= 0,
        10 => IsDigit(c),
        8 => c is >= '0' and <= '7',
        _ => c is '0' or '1',
    };
}
