using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Vaurien.Host.Options;

/// <summary>
/// Converts a raw option value (a command-line string, a TOML value, a JSON element) to the option's type and checks
/// its range or choices. The one place where every source of options is validated.
/// </summary>
internal static class OptionConverter
{
    public static bool TryConvert(OptionDescriptor option, object? raw, out object? value, [NotNullWhen(false)] out string? error)
    {
        if (raw is JsonElement json)
        {
            raw = FromJson(json);
        }

        value = null;
        if (raw is null && option.IsNullable)
        {
            error = null;
            return true;
        }

        error = option.Kind switch
        {
            OptionKind.Bool => ToBool(raw, out value),
            OptionKind.Int => ToInteger(option, raw, int.MinValue, int.MaxValue, out value),
            OptionKind.Long => ToInteger(option, raw, long.MinValue, long.MaxValue, out value),
            OptionKind.Float => ToFloat(option, raw, out value),
            OptionKind.String => ToString(option, raw, out value),
            OptionKind.Choice => ToChoice(option, raw, out value),
            OptionKind.IntList => ToList(option, raw, OptionKind.Int, out value),
            OptionKind.StringList => ToList(option, raw, OptionKind.String, out value),
            _ => $"unsupported option kind {option.Kind}",
        };

        if (error is not null)
        {
            value = null;
            error = $"option '{option.Name}' {error}";
            return false;
        }

        return true;
    }

    private static object? FromJson(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => json.GetString(),
        JsonValueKind.Number when json.TryGetInt64(out var l) => l,
        JsonValueKind.Number => json.GetDouble(),
        JsonValueKind.Array => json.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.Null => null,
        _ => json,
    };

    private static string Show(object? raw) => raw switch
    {
        null => "null",
        string s => $"'{s}'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => raw.ToString() ?? "?",
    };

    private static string? ToBool(object? raw, out object? value)
    {
        value = null;
        switch (raw)
        {
            case bool b:
                value = b;
                return null;
            case string s:
                switch (s.Trim().ToLowerInvariant())
                {
                    case "true" or "yes" or "y" or "1" or "on":
                        value = true;
                        return null;
                    case "false" or "no" or "n" or "0" or "off":
                        value = false;
                        return null;
                }

                break;
            case long or int:
                var n = Convert.ToInt64(raw, CultureInfo.InvariantCulture);
                if (n is 0 or 1)
                {
                    value = n == 1;
                    return null;
                }

                break;
        }

        return $"must be true or false, got {Show(raw)}";
    }

    private static string? ToInteger(OptionDescriptor option, object? raw, long min, long max, out object? value)
    {
        value = null;
        long number;
        switch (raw)
        {
            case long l:
                number = l;
                break;
            case int i:
                number = i;
                break;
            case double d when Math.Floor(d) == d && Math.Abs(d) < 9e15:
                number = (long)d;
                break;
            case string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed):
                number = parsed;
                break;
            default:
                return $"must be a whole number{RangeSuffix(option)}, got {Show(raw)}";
        }

        if (number < min || number > max || number < option.Min || number > option.Max)
        {
            return $"must be a whole number{RangeSuffix(option)}, got {number.ToString(CultureInfo.InvariantCulture)}";
        }

        // Box as the property's own type: a plain long/int conditional would box int options as long.
        value = option.Kind == OptionKind.Long ? number : (object)(int)number;
        return null;
    }

    private static string? ToFloat(OptionDescriptor option, object? raw, out object? value)
    {
        value = null;
        double number;
        switch (raw)
        {
            case double d:
                number = d;
                break;
            case long or int:
                number = Convert.ToDouble(raw, CultureInfo.InvariantCulture);
                break;
            case string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                number = parsed;
                break;
            default:
                return $"must be a number{RangeSuffix(option)}, got {Show(raw)}";
        }

        if (!double.IsFinite(number) || number < option.Min || number > option.Max)
        {
            return $"must be a number{RangeSuffix(option)}, got {number.ToString(CultureInfo.InvariantCulture)}";
        }

        value = number;
        return null;
    }

    private static string? ToString(OptionDescriptor option, object? raw, out object? value)
    {
        value = null;
        if (raw is not string s)
        {
            return $"must be a string, got {Show(raw)}";
        }

        if (option.Choices is { Count: > 0 } choices && !choices.Contains(s, StringComparer.Ordinal))
        {
            return $"must be one of {string.Join(", ", choices)}, got {Show(raw)}";
        }

        value = s;
        return null;
    }

    private static string? ToChoice(OptionDescriptor option, object? raw, out object? value)
    {
        value = null;
        if (raw is string s)
        {
            var enumType = Nullable.GetUnderlyingType(option.Property.PropertyType) ?? option.Property.PropertyType;
            foreach (var name in Enum.GetNames(enumType))
            {
                if (string.Equals(OptionNames.ToSnakeCase(name), s.Trim(), StringComparison.OrdinalIgnoreCase) ||
                    string.Equals(name, s.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    value = Enum.Parse(enumType, name);
                    return null;
                }
            }
        }

        return $"must be one of {string.Join(", ", option.Choices ?? [])}, got {Show(raw)}";
    }

    private static string? ToList(OptionDescriptor option, object? raw, OptionKind elementKind, out object? value)
    {
        value = null;
        IEnumerable<object?> items = raw switch
        {
            string s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            IEnumerable e => e.Cast<object?>(),
            _ => [raw],
        };

        var ints = new List<int>();
        var strings = new List<string>();
        foreach (var item in items)
        {
            if (elementKind == OptionKind.Int)
            {
                var error = ToInteger(option, item, int.MinValue, int.MaxValue, out var element);
                if (error is not null)
                {
                    return "must be a list of whole numbers" + RangeSuffix(option) + $", got {Show(item)}";
                }

                ints.Add((int)element!);
            }
            else
            {
                var error = ToString(option, item, out var element);
                if (error is not null)
                {
                    return "must be a list of strings" + (option.Choices is { Count: > 0 } c ? $" from {string.Join(", ", c)}" : "") + $", got {Show(item)}";
                }

                strings.Add((string)element!);
            }
        }

        value = elementKind == OptionKind.Int ? ints.ToArray() : strings.ToArray();
        return null;
    }

    private static string RangeSuffix(OptionDescriptor option) =>
        option.HasRange ? $" ({option.ConstraintText})" : "";
}
