namespace Vaurien.Host.Configuration;

/// <summary>The settings of one table or flag group (<c>[behavior.delay]</c>, <c>--behavior-delay-*</c>), not yet validated.</summary>
/// <param name="location">Where the table (or first flag) is, for messages about the section itself.</param>
internal sealed class RawSection(string location)
{
    public string Location { get; } = location;

    /// <summary>Values by option name (snake_case as written in TOML, or kebab-case from a flag).</summary>
    public Dictionary<string, ConfigValue> Values { get; } = new(StringComparer.Ordinal);
}
