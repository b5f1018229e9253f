using System.Globalization;
using System.Text;

namespace Vaurien.Toml;

/// <summary>
/// A TOML date-time of one of the four <see cref="TomlDateTimeKind"/>s, as the fields written in the source.
/// Fractional seconds keep nanosecond precision (further digits are truncated) and the number of digits written.
/// Equality compares the fields the value denotes, not its spelling (<c>.5</c> equals <c>.500</c>).
/// </summary>
public readonly struct TomlDateTime : IEquatable<TomlDateTime>
{
    private readonly int _offsetMinutes;

    internal TomlDateTime(
        TomlDateTimeKind kind,
        int year,
        int month,
        int day,
        int hour,
        int minute,
        int second,
        int nanosecond,
        int fractionDigits,
        int offsetMinutes)
    {
        Kind = kind;
        Year = year;
        Month = month;
        Day = day;
        Hour = hour;
        Minute = minute;
        Second = second;
        Nanosecond = nanosecond;
        FractionDigits = fractionDigits;
        _offsetMinutes = offsetMinutes;
    }

    /// <summary>Which of the four date-time types this is.</summary>
    public TomlDateTimeKind Kind { get; }

    /// <summary>The year (0-9999), or 0 for a local time.</summary>
    public int Year { get; }

    /// <summary>The month (1-12), or 0 for a local time.</summary>
    public int Month { get; }

    /// <summary>The day of the month, or 0 for a local time.</summary>
    public int Day { get; }

    /// <summary>The hour (0-23), or 0 for a local date.</summary>
    public int Hour { get; }

    /// <summary>The minute (0-59), or 0 for a local date.</summary>
    public int Minute { get; }

    /// <summary>The second (0-60; 60 is a leap second), or 0 for a local date.</summary>
    public int Second { get; }

    /// <summary>The fraction of the second in nanoseconds (0-999,999,999).</summary>
    public int Nanosecond { get; }

    /// <summary>How many fractional-second digits the source wrote (at most 9; 0 when it wrote none).</summary>
    public int FractionDigits { get; }

    /// <summary>The offset from UTC in minutes for an offset date-time (<c>Z</c> is 0), otherwise null.</summary>
    public int? OffsetMinutes => Kind == TomlDateTimeKind.OffsetDateTime ? _offsetMinutes : null;

    /// <summary>Whether the value has a date part (every kind but local time).</summary>
    public bool HasDate => Kind != TomlDateTimeKind.LocalTime;

    /// <summary>Whether the value has a time part (every kind but local date).</summary>
    public bool HasTime => Kind != TomlDateTimeKind.LocalDate;

    /// <summary>Compares two values by the fields they denote.</summary>
    public static bool operator ==(TomlDateTime left, TomlDateTime right) => left.Equals(right);

    /// <summary>Compares two values by the fields they denote.</summary>
    public static bool operator !=(TomlDateTime left, TomlDateTime right) => !left.Equals(right);

    /// <summary>Converts an offset date-time; any other kind throws <see cref="InvalidOperationException"/>.</summary>
    public DateTimeOffset ToDateTimeOffset()
    {
        Require(Kind == TomlDateTimeKind.OffsetDateTime, "an offset date-time");
        var local = ToDateTimeUnchecked();
        try
        {
            return new DateTimeOffset(local, TimeSpan.FromMinutes(_offsetMinutes));
        }
        catch (ArgumentOutOfRangeException exception)
        {
            // TOML allows offsets up to ±23:59 and year 0; DateTimeOffset stops at ±14:00 and year 1.
            throw new InvalidOperationException($"The TOML value {this} is out of the range of DateTimeOffset.", exception);
        }
    }

    /// <summary>
    /// Converts an offset date-time (to UTC, <see cref="DateTimeKind.Utc"/>) or a local date-time
    /// (<see cref="DateTimeKind.Unspecified"/>); a date or time alone throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public DateTime ToDateTime()
    {
        Require(HasDate && HasTime, "a date-time");
        return Kind == TomlDateTimeKind.OffsetDateTime ? ToDateTimeOffset().UtcDateTime : ToDateTimeUnchecked();
    }

    /// <summary>The date part, as written (no offset applied); a local time throws <see cref="InvalidOperationException"/>.</summary>
    public DateOnly ToDateOnly()
    {
        Require(HasDate, "a value with a date");
        if (Year == 0)
        {
            throw new InvalidOperationException($"The TOML value {this} has year 0, which DateOnly cannot represent.");
        }

        return new DateOnly(Year, Month, Day);
    }

    /// <summary>The time part, as written (no offset applied); a local date throws <see cref="InvalidOperationException"/>.</summary>
    public TimeOnly ToTimeOnly()
    {
        Require(HasTime, "a value with a time");
        RequireNoLeapSecond();
        return new TimeOnly(new TimeOnly(Hour, Minute, Second).Ticks + (Nanosecond / 100));
    }

    /// <inheritdoc />
    public bool Equals(TomlDateTime other) =>
        Kind == other.Kind && Year == other.Year && Month == other.Month && Day == other.Day && Hour == other.Hour
        && Minute == other.Minute && Second == other.Second && Nanosecond == other.Nanosecond
        && _offsetMinutes == other._offsetMinutes;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TomlDateTime other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(Kind, Year, Month, Day, Hour, Minute, HashCode.Combine(Second, Nanosecond, _offsetMinutes));

    /// <summary>Returns the RFC 3339 form (<c>T</c> separator, <c>Z</c> for a zero offset), with the fraction digits written.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder(35);
        var culture = CultureInfo.InvariantCulture;
        if (HasDate)
        {
            builder.Append(culture, $"{Year:D4}-{Month:D2}-{Day:D2}");
        }

        if (HasDate && HasTime)
        {
            builder.Append('T');
        }

        if (HasTime)
        {
            builder.Append(culture, $"{Hour:D2}:{Minute:D2}:{Second:D2}");
            if (FractionDigits > 0)
            {
                builder.Append('.').Append(Nanosecond.ToString("D9", culture), 0, FractionDigits);
            }
        }

        if (Kind == TomlDateTimeKind.OffsetDateTime)
        {
            if (_offsetMinutes == 0)
            {
                builder.Append('Z');
            }
            else
            {
                var offset = Math.Abs(_offsetMinutes);
                builder.Append(_offsetMinutes < 0 ? '-' : '+').Append(culture, $"{offset / 60:D2}:{offset % 60:D2}");
            }
        }

        return builder.ToString();
    }

    private DateTime ToDateTimeUnchecked()
    {
        RequireNoLeapSecond();
        if (Year == 0)
        {
            throw new InvalidOperationException($"The TOML value {this} has year 0, which DateTime cannot represent.");
        }

        return new DateTime(Year, Month, Day, Hour, Minute, Second, DateTimeKind.Unspecified).AddTicks(Nanosecond / 100);
    }

    private void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"The TOML value {this} is a {Kind}, not {what}.");
        }
    }

    private void RequireNoLeapSecond()
    {
        // TOML (RFC 3339) allows second 60; .NET date types cannot hold it.
        if (Second == 60)
        {
            throw new InvalidOperationException($"The TOML value {this} has a leap second, which .NET cannot represent.");
        }
    }
}
