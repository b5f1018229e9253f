namespace Vaurien.Host.Configuration;

/// <summary>A raw setting and where it came from (<c>vaurien.toml(3,9)</c> or <c>--behavior-delay-sleep</c>), for error messages.</summary>
/// <param name="Raw">A string (command line), a TOML value converted to CLR (long, double, bool, string, list), or a JSON element.</param>
/// <param name="Location">Where the user wrote it.</param>
internal sealed record ConfigValue(object? Raw, string Location);
