using Vaurien.Toml;

namespace Vaurien.Host.Configuration;

/// <summary>
/// Reads a TOML config file into <see cref="RawSettings"/>: the <c>[vaurien]</c> table, <c>[behavior.NAME]</c> and
/// <c>[protocol.NAME]</c> option tables. Only the shape is checked here; values are validated with the flags, in one pass.
/// </summary>
/// <example>
/// <code>
/// [vaurien]
/// backend = "localhost:6379"
/// protocol = "redis"
/// behavior = "20:delay,5:error"
///
/// [behavior.delay]
/// sleep = 2
/// </code>
/// </example>
internal static class TomlConfigReader
{
    public const string VaurienTable = "vaurien";
    public const string BehaviorTable = "behavior";
    public const string ProtocolTable = "protocol";

    /// <summary>Reads and parses <paramref name="path"/>; throws <see cref="ConfigurationException"/> with every shape error.</summary>
    public static RawSettings ReadFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ConfigurationException($"Cannot read the config file '{path}': {e.Message}");
        }

        TomlDocument document;
        try
        {
            document = TomlParser.Parse(bytes, path);
        }
        catch (TomlException e)
        {
            throw new ConfigurationException(e.Message);
        }

        return Read(document);
    }

    public static RawSettings Read(TomlDocument document)
    {
        var settings = new RawSettings(document.SourceName ?? "config");
        var errors = new List<string>();
        string Where(TomlPosition position) => document.FormatLocation(position);

        foreach (var (key, value) in document.Root)
        {
            var at = Where(document.Root.GetKeyPosition(key));
            switch (key)
            {
                case VaurienTable when value is TomlTable table:
                    ReadValues(table, settings.Vaurien, $"[{VaurienTable}]", Where, errors);
                    break;
                case BehaviorTable or ProtocolTable when value is TomlTable group:
                    var sections = key == BehaviorTable ? settings.Behaviors : settings.Protocols;
                    foreach (var (name, options) in group)
                    {
                        var sectionAt = Where(group.GetKeyPosition(name));
                        if (options is not TomlTable optionsTable)
                        {
                            errors.Add($"{sectionAt}: '{key}.{name}' must be a table of options, e.g. [{key}.{name}].");
                            continue;
                        }

                        ReadValues(optionsTable, settings.Section(sections, name, sectionAt), $"[{key}.{name}]", Where, errors);
                    }

                    break;
                case VaurienTable or BehaviorTable or ProtocolTable:
                    errors.Add($"{at}: '{key}' must be a table, e.g. [{key}{(key == VaurienTable ? "" : ".NAME")}].");
                    break;
                default:
                    errors.Add($"{at}: unknown key or table '{key}': expected [{VaurienTable}], [{BehaviorTable}.NAME] or [{ProtocolTable}.NAME].");
                    break;
            }
        }

        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }

        return settings;
    }

    private static void ReadValues(TomlTable table, RawSection section, string tableName, Func<TomlPosition, string> where, List<string> errors)
    {
        foreach (var (key, value) in table)
        {
            var at = where(value.Position);
            if (value is TomlTable)
            {
                errors.Add($"{where(table.GetKeyPosition(key))}: key '{key}' in {tableName} is a table; options take plain values.");
                continue;
            }

            section.Values[key] = new ConfigValue(ToClr(value), $"{at}: key '{key}' in {tableName}");
        }
    }

    private static object? ToClr(TomlValue value) => value switch
    {
        TomlString s => s.Value,
        TomlInteger i => i.Value,
        TomlFloat f => f.Value,
        TomlBoolean b => b.Value,
        TomlArray a => a.Select(ToClr).ToList(),
        _ => value,
    };
}
