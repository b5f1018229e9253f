namespace Vaurien.Toml;

/// <summary>
/// A parsed TOML value with the position where it starts in the source. The concrete types are
/// <see cref="TomlString"/>, <see cref="TomlInteger"/>, <see cref="TomlFloat"/>, <see cref="TomlBoolean"/>,
/// <see cref="TomlDateTimeValue"/>, <see cref="TomlArray"/> and <see cref="TomlTable"/>.
/// </summary>
public abstract class TomlValue
{
    private protected TomlValue(TomlPosition position)
    {
        Position = position;
    }

    /// <summary>
    /// Where the value starts: its first character; for a table, its <c>[header]</c> or <c>{</c>, or the key
    /// that created it implicitly; for an array of tables, its first <c>[[header]]</c>.
    /// </summary>
    public TomlPosition Position { get; internal set; }

    /// <summary>The TOML type of the value.</summary>
    public abstract TomlValueKind Kind { get; }

    /// <summary>The type in words for messages: string, integer, float, boolean, offset date-time, ..., array, table.</summary>
    public virtual string TypeName => Kind switch
    {
        TomlValueKind.String => "string",
        TomlValueKind.Integer => "integer",
        TomlValueKind.Float => "float",
        TomlValueKind.Boolean => "boolean",
        TomlValueKind.Array => "array",
        TomlValueKind.Table => "table",
        _ => "date-time",
    };
}
