using System.Globalization;

namespace Vaurien.Toml;

/// <summary>A TOML integer: a signed 64-bit value, whatever base it was written in.</summary>
public sealed class TomlInteger : TomlValue
{
    internal TomlInteger(long value, TomlPosition position)
        : base(position)
    {
        Value = value;
    }

    /// <summary>The value.</summary>
    public long Value { get; }

    /// <inheritdoc />
    public override TomlValueKind Kind => TomlValueKind.Integer;

    /// <summary>Returns the value in decimal.</summary>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
