namespace Vaurien.Toml;

/// <summary>
/// A TOML syntax error, or a semantic error about a parsed value, located in its source:
/// the message reads <c>config.toml(3,7): reason</c>.
/// </summary>
public sealed class TomlException : Exception
{
    /// <summary>Creates an error at <paramref name="position"/> of the source <paramref name="sourceName"/>.</summary>
    /// <param name="reason">What is wrong, without the location.</param>
    /// <param name="position">Where it is wrong.</param>
    /// <param name="sourceName">The file name or other label of the source, or null when it has none.</param>
    public TomlException(string reason, TomlPosition position, string? sourceName = null)
        : base($"{FormatLocation(sourceName, position)}: {reason}")
    {
        Reason = reason;
        Position = position;
        SourceName = sourceName;
    }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    /// <summary>Where the error is.</summary>
    public TomlPosition Position { get; }

    /// <summary>The 1-based line of the error.</summary>
    public int Line => Position.Line;

    /// <summary>The 1-based column of the error.</summary>
    public int Column => Position.Column;

    /// <summary>The file name or label of the source, or null.</summary>
    public string? SourceName { get; }

    /// <summary>Formats a location as <c>name(line,column)</c>, or <c>line L, column C</c> without a source name.</summary>
    public static string FormatLocation(string? sourceName, TomlPosition position) =>
        string.IsNullOrEmpty(sourceName)
            ? $"line {position.Line}, column {position.Column}"
            : $"{sourceName}({position.Line},{position.Column})";
}
