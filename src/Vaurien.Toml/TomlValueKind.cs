namespace Vaurien.Toml;

/// <summary>The TOML type of a <see cref="TomlValue"/>.</summary>
public enum TomlValueKind
{
    /// <summary>A <see cref="TomlString"/>.</summary>
    String,

    /// <summary>A <see cref="TomlInteger"/>.</summary>
    Integer,

    /// <summary>A <see cref="TomlFloat"/>.</summary>
    Float,

    /// <summary>A <see cref="TomlBoolean"/>.</summary>
    Boolean,

    /// <summary>A <see cref="TomlDateTimeValue"/> of any of the four date-time kinds.</summary>
    DateTime,

    /// <summary>A <see cref="TomlArray"/>.</summary>
    Array,

    /// <summary>A <see cref="TomlTable"/>.</summary>
    Table,
}
