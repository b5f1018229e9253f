using System.Composition.Hosting;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Vaurien.Host.Options;

namespace Vaurien.Host.Plugins;

/// <summary>
/// Loads every plugin folder under the given roots into its own <see cref="PluginLoadContext"/> and discovers its
/// behaviors and protocols with System.Composition. A broken plugin folder does not stop the others: it becomes a
/// <see cref="PluginLoadFailure"/> in the catalog and one logged line.
/// </summary>
/// <remarks>
/// <code>
/// for each root (it must exist), for each folder &lt;root&gt;/&lt;Name&gt;/, in name order:
///   1. &lt;Name&gt;.dll must be there
///   2. its metadata is read without loading it: a .NET assembly, built against this host's major Vaurien.Abstractions
///   3. it loads into a new PluginLoadContext named &lt;Name&gt;; its direct references must resolve (missing dependency)
///   4. a composition container over that one assembly, with the host's TimeProvider and ILoggerFactory as exports,
///      creates each [ExportBehavior] / [ExportProtocol] part once (a part may take those services by
///      [ImportingConstructor]); classes may be public or internal, their constructor must be public
///   5. any failure in 1-4 drops the whole folder; a folder that exports nothing is a warning
/// then the catalog indexes every export by name and full type name (a name exported twice stops start-up).
/// </code>
/// </remarks>
internal sealed class PluginLoader
{
    private static readonly AssemblyName Contract = typeof(IBehavior).Assembly.GetName();

    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public PluginLoader(ILoggerFactory loggerFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(time);
        _loggerFactory = loggerFactory;
        _time = time;
        _logger = loggerFactory.CreateLogger<PluginLoader>();
    }

    /// <summary>The host's own plugins root: <c>plugins/</c> next to the executable, where the built-in plugins are.</summary>
    public static string DefaultRoot => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>
    /// When true, a plugin uses the host's copy of any assembly the host has, not only of the shared ones
    /// (McMaster's PreferSharedTypes): fewer duplicate assemblies, at the price of the plugin running with versions
    /// it was not built with. Off by default.
    /// </summary>
    public bool PreferSharedTypes { get; init; }

    /// <summary>Loads every plugin folder under <paramref name="roots"/>.</summary>
    /// <exception cref="PluginException">A root does not exist, or two plugins export one name.</exception>
    public ExtensionCatalog Load(IReadOnlyList<string> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        var extensions = new List<ExtensionDescriptor>();
        var failures = new List<PluginLoadFailure>();
        foreach (var root in roots.Select(r => Path.TrimEndingDirectorySeparator(Path.GetFullPath(r))).Distinct(StringComparer.Ordinal))
        {
            if (!Directory.Exists(root))
            {
                throw new PluginException($"Plugin folder '{root}' does not exist.");
            }

            foreach (var folder in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
            {
                var (loaded, failure) = LoadFolder(folder);
                if (failure is not null)
                {
                    failures.Add(failure);
                    PluginLog.PluginFailed(_logger, failure.Folder, failure.Reason);
                }
                else if (loaded.Count == 0)
                {
                    PluginLog.PluginHasNoExports(_logger, folder);
                }
                else
                {
                    extensions.AddRange(loaded);
                    PluginLog.PluginLoaded(_logger, folder, string.Join(", ", loaded.Select(e => $"{e.Kind.ToString().ToLowerInvariant()} {e.Name}")));
                }
            }
        }

        return new ExtensionCatalog(extensions, failures);
    }

    private (IReadOnlyList<ExtensionDescriptor> Loaded, PluginLoadFailure? Failure) LoadFolder(string folder)
    {
        var name = Path.GetFileName(folder);
        var mainPath = Path.Combine(folder, name + ".dll");
        if (!File.Exists(mainPath))
        {
            return ([], new PluginLoadFailure(folder, PluginFailureReasons.MissingMainAssembly(name)));
        }

        var problem = PluginAssemblyInspector.FindProblem(mainPath, Contract);
        if (problem is not null)
        {
            return ([], new PluginLoadFailure(folder, problem));
        }

        try
        {
            var context = new PluginLoadContext(mainPath, SharedAssemblies.Names, PreferSharedTypes);
            var assembly = context.LoadFromAssemblyPath(mainPath);
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                // Eagerly, so a missing dependency is reported now and not at the first exchange that needs it.
                context.LoadFromAssemblyName(reference);
            }

            // Every type, so one that cannot load is reported here, by name, rather than as a composition error.
            var types = assembly.GetTypes();
            return (Compose(assembly, types, folder), null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ([], new PluginLoadFailure(folder, PluginFailureReasons.Describe(e)));
        }
    }

    private List<ExtensionDescriptor> Compose(Assembly assembly, Type[] types, string folder)
    {
        // One container per folder, never disposed: it owns the parts it created, which live as long as the host.
        var container = new ContainerConfiguration()
            .WithAssembly(assembly)
            .WithExport(_time)
            .WithExport(_loggerFactory)
            .CreateContainer();
        var extensions = new List<ExtensionDescriptor>();
        foreach (var kind in (ReadOnlySpan<ExtensionKind>)[ExtensionKind.Behavior, ExtensionKind.Protocol])
        {
            foreach (var (metadata, create) in Exports(container, kind))
            {
                var name = metadata.TryGetValue(nameof(ExportBehaviorAttribute.Name), out var n) ? n as string : null;
                var description = metadata.TryGetValue(nameof(ExportBehaviorAttribute.Description), out var d) ? d as string : null;
                object instance;
                try
                {
                    instance = create();
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    throw new PluginException(PluginFailureReasons.ConstructorFailed(kind, name ?? "(unnamed)", FindExportedType(types, kind, name), e));
                }

                var type = instance.GetType();
                if (string.IsNullOrWhiteSpace(name))
                {
                    throw new PluginException(PluginFailureReasons.Unnamed(kind, type));
                }

                extensions.Add(new ExtensionDescriptor(kind, name, type.FullName ?? type.Name, description ?? "", instance, OptionSet.ForExtension(type), folder));
            }
        }

        return extensions;
    }

    private static IEnumerable<(IDictionary<string, object> Metadata, Func<object> Create)> Exports(CompositionHost container, ExtensionKind kind) =>
        kind == ExtensionKind.Behavior
            ? container.GetExports<Lazy<IBehavior, IDictionary<string, object>>>().Select(e => (e.Metadata, (Func<object>)(() => e.Value)))
            : container.GetExports<Lazy<IProtocol, IDictionary<string, object>>>().Select(e => (e.Metadata, (Func<object>)(() => e.Value)));

    /// <summary>The class exported under <paramref name="name"/>, to name it when creating it failed.</summary>
    private static Type? FindExportedType(Type[] types, ExtensionKind kind, string? name) =>
        types.FirstOrDefault(t => kind == ExtensionKind.Behavior
            ? t.GetCustomAttribute<ExportBehaviorAttribute>(inherit: false)?.Name == name
            : t.GetCustomAttribute<ExportProtocolAttribute>(inherit: false)?.Name == name);
}
