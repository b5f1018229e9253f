using System.Collections.Concurrent;
using System.Reflection;

namespace Vaurien.Host.Options;

/// <summary>
/// The declared options of one behavior or protocol, read by reflection from its options class: the single source
/// for CLI flags, TOML keys, control-API validation and the generated docs.
/// </summary>
internal sealed class OptionSet
{
    private static readonly ConcurrentDictionary<Type, OptionSet> Cache = new();

    private OptionSet(Type optionsType)
    {
        OptionsType = optionsType;
        var defaults = Activator.CreateInstance(optionsType)
            ?? throw new InvalidOperationException($"Cannot create {optionsType}.");
        Options = optionsType
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<OptionAttribute>(inherit: true)))
            .Where(p => p.Attribute is not null && p.Property.CanWrite)
            .OrderBy(p => OptionNames.ToSnakeCase(p.Property.Name), StringComparer.Ordinal)
            .Select(p => new OptionDescriptor(p.Property, p.Attribute!, p.Property.GetValue(defaults)))
            .ToArray();
    }

    public static OptionSet Empty { get; } = For(typeof(NoOptions));

    public Type OptionsType { get; }

    /// <summary>The options, sorted by name.</summary>
    public IReadOnlyList<OptionDescriptor> Options { get; }

    public static OptionSet For(Type optionsType) => Cache.GetOrAdd(optionsType, static t => new OptionSet(t));

    /// <summary>The options class of a behavior or protocol type: the TOptions of Behavior&lt;TOptions&gt; / Protocol&lt;TOptions&gt;.</summary>
    public static OptionSet ForExtension(Type extensionType)
    {
        for (var type = extensionType; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType)
            {
                var definition = type.GetGenericTypeDefinition();
                if (definition == typeof(Behavior<>) || definition == typeof(Protocol<>))
                {
                    return For(type.GetGenericArguments()[0]);
                }
            }
        }

        return Empty;
    }

    public OptionDescriptor? Find(string name)
    {
        foreach (var option in Options)
        {
            if (string.Equals(option.Name, name, StringComparison.Ordinal) ||
                string.Equals(option.FlagName, name, StringComparison.Ordinal))
            {
                return option;
            }
        }

        return null;
    }

    public object CreateDefault() => Activator.CreateInstance(OptionsType)!;

    /// <summary>
    /// Returns a new options object: <paramref name="baseline"/> (or the defaults) with <paramref name="values"/> applied.
    /// Every bad or unknown value is reported; none stops the others from being checked.
    /// </summary>
    /// <param name="values">Raw values by option name: strings (CLI), TOML or JSON values.</param>
    /// <param name="baseline">The options to start from, or null for the defaults.</param>
    /// <param name="errors">Receives one entry per problem.</param>
    public object Bind(IEnumerable<KeyValuePair<string, object?>> values, object? baseline, ICollection<OptionError> errors)
    {
        var result = CreateDefault();
        if (baseline is not null)
        {
            foreach (var option in Options)
            {
                option.Property.SetValue(result, option.Property.GetValue(baseline));
            }
        }

        foreach (var (name, raw) in values)
        {
            var option = Find(name);
            if (option is null)
            {
                var known = Options.Count == 0 ? "it takes no options" : "valid options: " + string.Join(", ", Options.Select(o => o.Name));
                errors.Add(new OptionError(name, $"unknown option '{name}' ({known})"));
                continue;
            }

            if (OptionConverter.TryConvert(option, raw, out var value, out var error))
            {
                option.Property.SetValue(result, value);
            }
            else
            {
                errors.Add(new OptionError(option.Name, error));
            }
        }

        return result;
    }

    /// <summary>The options' current values, by name, for display and the API.</summary>
    public IEnumerable<KeyValuePair<string, object?>> ValuesOf(object options) =>
        Options.Select(o => KeyValuePair.Create(o.Name, o.Property.GetValue(options)));
}
