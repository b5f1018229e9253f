namespace Vaurien.Toml;

/// <summary>A TOML offset date-time, local date-time, local date or local time.</summary>
public sealed class TomlDateTimeValue : TomlValue
{
    internal TomlDateTimeValue(TomlDateTime value, TomlPosition position)
        : base(position)
    {
        Value = value;
    }

    /// <summary>The value, with its <see cref="TomlDateTime.Kind"/>.</summary>
    public TomlDateTime Value { get; }

    /// <inheritdoc />
    public override TomlValueKind Kind => TomlValueKind.DateTime;

    /// <inheritdoc />
    public override string TypeName => Value.Kind switch
    {
        TomlDateTimeKind.OffsetDateTime => "offset date-time",
        TomlDateTimeKind.LocalDateTime => "local date-time",
        TomlDateTimeKind.LocalDate => "local date",
        _ => "local time",
    };

    /// <summary>Returns the value in RFC 3339 form.</summary>
    public override string ToString() => Value.ToString();
}
