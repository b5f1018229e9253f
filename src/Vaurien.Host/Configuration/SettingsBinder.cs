using Vaurien.Host.Options;
using Vaurien.Host.Plugins;
using Vaurien.Host.Proxy;

namespace Vaurien.Host.Configuration;

/// <summary>
/// The one validation pass: merges the sources in precedence order (defaults &lt; config file &lt; flags), checks every
/// value against its declaration and every reference against the loaded plugins, and reports all problems at once,
/// each with where it was written.
/// </summary>
internal static class SettingsBinder
{
    /// <summary>Binds the <c>[vaurien]</c> values alone (needed before plugins load: they say where plugins are).</summary>
    public static VaurienOptions BindVaurien(IReadOnlyList<RawSettings> sources, ICollection<string> errors)
    {
        var options = new VaurienOptions();
        foreach (var source in sources)
        {
            options = (VaurienOptions)BindSection(OptionSet.For(typeof(VaurienOptions)), source.Vaurien, options, errors);
        }

        return options;
    }

    /// <summary>Binds and validates everything; throws <see cref="ConfigurationException"/> listing every problem.</summary>
    public static VaurienSettings Bind(IReadOnlyList<RawSettings> sources, ExtensionCatalog catalog)
    {
        var errors = new List<string>();
        var vaurien = BindVaurien(sources, errors);
        var behaviorOptions = BindExtensions(ExtensionKind.Behavior, catalog, sources.Select(s => s.Behaviors), errors);
        var protocolOptions = BindExtensions(ExtensionKind.Protocol, catalog, sources.Select(s => s.Protocols), errors);

        var listen = ParseAddress(nameof(VaurienOptions.Proxy), vaurien.Proxy, sources, errors);
        var backend = ParseAddress(nameof(VaurienOptions.Backend), vaurien.Backend, sources, errors);

        ExtensionDescriptor? protocol = null;
        if (!catalog.TryGetProtocol(vaurien.Protocol, out var found))
        {
            errors.Add($"{LocationOf(nameof(VaurienOptions.Protocol), sources)}: {catalog.UnknownMessage(ExtensionKind.Protocol, vaurien.Protocol)}");
        }
        else
        {
            protocol = found;
        }

        var policyErrors = new List<string>();
        var policy = BehaviorPolicy.TryParse(vaurien.Behavior, catalog, d => new BehaviorActivation(d, behaviorOptions[d.Name]), policyErrors);
        var policyAt = LocationOf(nameof(VaurienOptions.Behavior), sources);
        errors.AddRange(policyErrors.Select(e => $"{policyAt}: {e}"));

        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }

        return new VaurienSettings(vaurien, listen!, backend!, protocol!, behaviorOptions, protocolOptions, policy!);
    }

    private static Dictionary<string, object> BindExtensions(
        ExtensionKind kind,
        ExtensionCatalog catalog,
        IEnumerable<Dictionary<string, RawSection>> sources,
        List<string> errors)
    {
        var bound = catalog.All(kind).ToDictionary(e => e.Name, e => e.Options.CreateDefault(), StringComparer.Ordinal);
        foreach (var sections in sources)
        {
            foreach (var (name, section) in sections)
            {
                if (!catalog.TryGet(kind, name, out var descriptor))
                {
                    errors.Add($"{section.Location}: {catalog.UnknownMessage(kind, name)}");
                    continue;
                }

                bound[descriptor.Name] = BindSection(descriptor.Options, section, bound[descriptor.Name], errors);
            }
        }

        return bound;
    }

    private static object BindSection(OptionSet options, RawSection section, object baseline, ICollection<string> errors)
    {
        var result = baseline;
        foreach (var (name, value) in section.Values)
        {
            var valueErrors = new List<OptionError>();
            var next = options.Bind([KeyValuePair.Create(name, value.Raw)], result, valueErrors);
            if (valueErrors.Count == 0)
            {
                result = next;
            }

            foreach (var error in valueErrors)
            {
                errors.Add($"{value.Location}: {error.Message}");
            }
        }

        return result;
    }

    private static HostPort? ParseAddress(string property, string text, IReadOnlyList<RawSettings> sources, List<string> errors)
    {
        if (HostPort.TryParse(text, out var address, out var error))
        {
            return address;
        }

        errors.Add($"{LocationOf(property, sources)}: {OptionNames.ToSnakeCase(property)}: {error}");
        return null;
    }

    /// <summary>Where the winning value of a <c>[vaurien]</c> key was written, or "default".</summary>
    private static string LocationOf(string property, IReadOnlyList<RawSettings> sources)
    {
        var option = OptionSet.For(typeof(VaurienOptions)).Find(OptionNames.ToSnakeCase(property))!;
        for (var i = sources.Count - 1; i >= 0; i--)
        {
            if (sources[i].Vaurien.Values.TryGetValue(option.Name, out var value) ||
                sources[i].Vaurien.Values.TryGetValue(option.FlagName, out value))
            {
                return value.Location;
            }
        }

        return $"default {option.Name}";
    }
}
