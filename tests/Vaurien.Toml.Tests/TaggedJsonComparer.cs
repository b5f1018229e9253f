using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vaurien.Toml.Tests;

/// <summary>
/// Compares tagged JSON as toml-test does: same tree shape and keys, same scalar types, floats by value
/// (inf and nan included), integers by value, date-times by the fields or instant they denote.
/// </summary>
internal static partial class TaggedJsonComparer
{
    /// <summary>Returns null when equal, else a description of the first difference with its JSON path.</summary>
    public static string? FindDifference(JsonElement expected, JsonElement actual, string path = "$")
    {
        if (IsTagged(expected) || IsTagged(actual))
        {
            if (!IsTagged(expected) || !IsTagged(actual))
            {
                return $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}";
            }

            var type = expected.GetProperty("type").GetString()!;
            var actualType = actual.GetProperty("type").GetString()!;
            var expectedValue = expected.GetProperty("value").GetString()!;
            var actualValue = actual.GetProperty("value").GetString()!;
            if (type != actualType)
            {
                return $"{path}: expected type {type}, got {actualType}";
            }

            return ScalarsEqual(type, expectedValue, actualValue)
                ? null
                : $"{path}: expected {type} '{expectedValue}', got '{actualValue}'";
        }

        if (expected.ValueKind != actual.ValueKind)
        {
            return $"{path}: expected {expected.ValueKind}, got {actual.ValueKind}";
        }

        if (expected.ValueKind == JsonValueKind.Array)
        {
            var expectedItems = expected.EnumerateArray().ToList();
            var actualItems = actual.EnumerateArray().ToList();
            if (expectedItems.Count != actualItems.Count)
            {
                return $"{path}: expected {expectedItems.Count} items, got {actualItems.Count}";
            }

            for (var i = 0; i < expectedItems.Count; i++)
            {
                var difference = FindDifference(expectedItems[i], actualItems[i], $"{path}[{i}]");
                if (difference is not null)
                {
                    return difference;
                }
            }

            return null;
        }

        if (expected.ValueKind == JsonValueKind.Object)
        {
            var expectedKeys = expected.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
            var actualKeys = actual.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
            if (!expectedKeys.SequenceEqual(actualKeys))
            {
                return $"{path}: expected keys [{string.Join(", ", expectedKeys)}], got [{string.Join(", ", actualKeys)}]";
            }

            foreach (var key in expectedKeys)
            {
                var difference = FindDifference(expected.GetProperty(key), actual.GetProperty(key), $"{path}.{key}");
                if (difference is not null)
                {
                    return difference;
                }
            }

            return null;
        }

        return $"{path}: unexpected JSON {expected.GetRawText()} in the expected output";
    }

    /// <summary>A scalar is an object of exactly "type" and "value", both strings (a table's values would be objects).</summary>
    private static bool IsTagged(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.EnumerateObject().Count() == 2
        && element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
        && element.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String;

    private static bool ScalarsEqual(string type, string expected, string actual) => type switch
    {
        "integer" => long.Parse(expected, CultureInfo.InvariantCulture) == long.Parse(actual, CultureInfo.InvariantCulture),
        "float" => ParseFloat(expected).Equals(ParseFloat(actual)),
        "datetime" or "datetime-local" or "date-local" or "time-local" => NormalizeDateTime(expected) == NormalizeDateTime(actual),
        _ => expected == actual,
    };

    private static double ParseFloat(string text) => text switch
    {
        "inf" or "+inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" or "+nan" or "-nan" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// A canonical spelling of what a date-time denotes: fraction padded to nanoseconds, offset date-times
    /// moved to UTC (the second is kept apart so that a leap second survives the conversion).
    /// </summary>
    private static string NormalizeDateTime(string text)
    {
        var match = DateTimePattern().Match(text);
        if (!match.Success)
        {
            return $"unparsable:{text}";
        }

        var fraction = match.Groups["fraction"].Value.PadRight(9, '0')[..9];
        var second = match.Groups["second"].Value;
        var time = match.Groups["hour"].Success ? $"{match.Groups["hour"].Value}:{match.Groups["minute"].Value}" : null;
        var date = match.Groups["year"].Success ? $"{match.Groups["year"].Value}-{match.Groups["month"].Value}-{match.Groups["day"].Value}" : null;
        var offset = match.Groups["offset"];
        if (!offset.Success)
        {
            return $"{date}T{time}:{second}.{fraction}";
        }

        var minutes = offset.Value is "Z" or "z"
            ? 0
            : (offset.Value[0] == '-' ? -1 : 1) * ((int.Parse(offset.Value[1..3], CultureInfo.InvariantCulture) * 60) + int.Parse(offset.Value[4..6], CultureInfo.InvariantCulture));
        var local = DateTime.ParseExact($"{date}T{time}", "yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        var utc = local.AddMinutes(-minutes);
        return $"{utc:yyyy-MM-dd'T'HH:mm}:{second}.{fraction}Z";
    }

    [GeneratedRegex(@"^(?:(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2}))?(?:[Tt ]?(?<hour>\d{2}):(?<minute>\d{2}):(?<second>\d{2})(?:\.(?<fraction>\d+))?)?(?<offset>[Zz]|[+-]\d{2}:\d{2})?$")]
    private static partial Regex DateTimePattern();
}
