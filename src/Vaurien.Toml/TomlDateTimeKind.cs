namespace Vaurien.Toml;

/// <summary>The four TOML date-time types.</summary>
public enum TomlDateTimeKind
{
    /// <summary>A date and a time with an offset from UTC: <c>1979-05-27T07:32:00-08:00</c>.</summary>
    OffsetDateTime,

    /// <summary>A date and a time without offset: <c>1979-05-27T07:32:00</c>.</summary>
    LocalDateTime,

    /// <summary>A date alone: <c>1979-05-27</c>.</summary>
    LocalDate,

    /// <summary>A time of day alone: <c>07:32:00.999</c>.</summary>
    LocalTime,
}
