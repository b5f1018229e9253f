namespace Vaurien.Toml;

/// <summary>A TOML boolean.</summary>
public sealed class TomlBoolean : TomlValue
{
    internal TomlBoolean(bool value, TomlPosition position)
        : base(position)
    {
        Value = value;
    }

    /// <summary>The value.</summary>
    public bool Value { get; }

    /// <inheritdoc />
    public override TomlValueKind Kind => TomlValueKind.Boolean;

    /// <summary>Returns <c>true</c> or <c>false</c>.</summary>
    public override string ToString() => Value ? "true" : "false";
}
