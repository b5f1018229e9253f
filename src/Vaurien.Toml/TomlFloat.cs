using System.Globalization;

namespace Vaurien.Toml;

/// <summary>A TOML float: an IEEE 754 binary64 value, possibly infinite or NaN.</summary>
public sealed class TomlFloat : TomlValue
{
    internal TomlFloat(double value, TomlPosition position)
        : base(position)
    {
        Value = value;
    }

    /// <summary>The value.</summary>
    public double Value { get; }

    /// <inheritdoc />
    public override TomlValueKind Kind => TomlValueKind.Float;

    /// <summary>Returns the value as TOML writes it: <c>inf</c>, <c>-inf</c>, <c>nan</c> or a round-trippable number.</summary>
    public override string ToString() => Value switch
    {
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ when double.IsNaN(Value) => "nan",
        _ => Value.ToString("R", CultureInfo.InvariantCulture),
    };
}
