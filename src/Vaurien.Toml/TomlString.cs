namespace Vaurien.Toml;

/// <summary>A TOML string (basic, literal or multi-line), with escapes resolved.</summary>
public sealed class TomlString : TomlValue
{
    internal TomlString(string value, TomlPosition position)
        : base(position)
    {
        Value = value;
    }

    /// <summary>The string content. Newlines in multi-line strings are normalized to <c>\n</c>.</summary>
    public string Value { get; }

    /// <inheritdoc />
    public override TomlValueKind Kind => TomlValueKind.String;

    /// <summary>Returns the string content.</summary>
    public override string ToString() => Value;
}
