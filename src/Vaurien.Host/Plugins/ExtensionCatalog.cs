using System.Collections.Frozen;

namespace Vaurien.Host.Plugins;

/// <summary>
/// Every loaded behavior and protocol, by name and by full type name. Built once at start-up; two exports of one
/// name are an error naming both origins.
/// </summary>
internal sealed class ExtensionCatalog
{
    private readonly FrozenDictionary<string, ExtensionDescriptor> _behaviors;
    private readonly FrozenDictionary<string, ExtensionDescriptor> _protocols;

    public ExtensionCatalog(IEnumerable<ExtensionDescriptor> extensions, IEnumerable<PluginLoadFailure>? failures = null)
    {
        var all = extensions.ToList();
        Behaviors = Sorted(all, ExtensionKind.Behavior);
        Protocols = Sorted(all, ExtensionKind.Protocol);
        _behaviors = Index(Behaviors);
        _protocols = Index(Protocols);
        Failures = failures?.ToList() ?? [];
    }

    /// <summary>The behaviors, sorted by name.</summary>
    public IReadOnlyList<ExtensionDescriptor> Behaviors { get; }

    /// <summary>The protocols, sorted by name.</summary>
    public IReadOnlyList<ExtensionDescriptor> Protocols { get; }

    /// <summary>The plugin folders that failed to load.</summary>
    public IReadOnlyList<PluginLoadFailure> Failures { get; }

    public bool TryGetBehavior(string nameOrTypeName, out ExtensionDescriptor descriptor) =>
        _behaviors.TryGetValue(nameOrTypeName, out descriptor!);

    public bool TryGetProtocol(string nameOrTypeName, out ExtensionDescriptor descriptor) =>
        _protocols.TryGetValue(nameOrTypeName, out descriptor!);

    public bool TryGet(ExtensionKind kind, string nameOrTypeName, out ExtensionDescriptor descriptor) =>
        kind == ExtensionKind.Behavior ? TryGetBehavior(nameOrTypeName, out descriptor) : TryGetProtocol(nameOrTypeName, out descriptor);

    public IReadOnlyList<ExtensionDescriptor> All(ExtensionKind kind) => kind == ExtensionKind.Behavior ? Behaviors : Protocols;

    /// <summary>The failure of the plugin folder that a missing name may have come from, to explain why it is missing.</summary>
    public string UnknownMessage(ExtensionKind kind, string name)
    {
        var noun = kind == ExtensionKind.Behavior ? "behavior" : "protocol";
        var valid = string.Join(", ", All(kind).Select(e => e.Name));
        var message = $"Unknown {noun} '{name}'. Valid {noun}s: {valid}.";
        if (Failures.Count > 0)
        {
            message += " Plugins that failed to load: " + string.Join("; ", Failures.Select(f => f.ToString()));
        }

        return message;
    }

    private static List<ExtensionDescriptor> Sorted(List<ExtensionDescriptor> all, ExtensionKind kind) =>
        all.Where(e => e.Kind == kind).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();

    private static FrozenDictionary<string, ExtensionDescriptor> Index(IReadOnlyList<ExtensionDescriptor> extensions)
    {
        var index = new Dictionary<string, ExtensionDescriptor>(StringComparer.Ordinal);
        foreach (var extension in extensions)
        {
            if (index.TryGetValue(extension.Name, out var other))
            {
                throw new PluginException(
                    $"The {extension.Kind.ToString().ToLowerInvariant()} name '{extension.Name}' is exported twice: by {other.TypeName} from '{other.Origin}' and by {extension.TypeName} from '{extension.Origin}'.");
            }

            index[extension.Name] = extension;
        }

        foreach (var extension in extensions)
        {
            // The full type name is accepted too (Vaurien's dotted path); a short name keeps priority.
            index.TryAdd(extension.TypeName, extension);
        }

        return index.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
