namespace Vaurien.Host.Configuration;

/// <summary>
/// Settings as one source gave them (the config file, or the command line): the <c>[vaurien]</c> values and the option
/// tables of behaviors and protocols, keyed as written. Sources are merged in order, defaults &lt; file &lt; flags.
/// </summary>
internal sealed class RawSettings(string sourceName)
{
    public string SourceName { get; } = sourceName;

    public RawSection Vaurien { get; } = new(sourceName);

    /// <summary>Behavior option sections by the name the user wrote (a name or a full type name).</summary>
    public Dictionary<string, RawSection> Behaviors { get; } = new(StringComparer.Ordinal);

    /// <summary>Protocol option sections by the name the user wrote.</summary>
    public Dictionary<string, RawSection> Protocols { get; } = new(StringComparer.Ordinal);

    public RawSection Section(Dictionary<string, RawSection> sections, string name, string location)
    {
        if (!sections.TryGetValue(name, out var section))
        {
            section = new RawSection(location);
            sections[name] = section;
        }

        return section;
    }
}
