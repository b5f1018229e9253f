namespace Vaurien.Toml;

/// <summary>A parsed TOML document: its root table and the name of its source, for error messages.</summary>
public sealed class TomlDocument
{
    internal TomlDocument(TomlTable root, string? sourceName)
    {
        Root = root;
        SourceName = sourceName;
    }

    /// <summary>The root table: the top-level keys and tables, in document order.</summary>
    public TomlTable Root { get; }

    /// <summary>The source name given to the parser, or null.</summary>
    public string? SourceName { get; }

    /// <summary>Formats a position of this document as <c>config.toml(12,9)</c>.</summary>
    public string FormatLocation(TomlPosition position) => TomlException.FormatLocation(SourceName, position);

    /// <summary>Creates (does not throw) an error about something at <paramref name="position"/> of this document.</summary>
    /// <example><c>throw document.CreateError(value.Position, "key 'sleep' must be positive");</c></example>
    public TomlException CreateError(TomlPosition position, string reason) => new(reason, position, SourceName);
}
