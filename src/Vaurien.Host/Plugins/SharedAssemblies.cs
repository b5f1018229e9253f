using System.Collections.Frozen;
using System.Composition;
using System.Composition.Convention;
using System.Composition.Hosting;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Extensions.Logging;

namespace Vaurien.Host.Plugins;

/// <summary>
/// The assemblies every plugin shares with the host, by simple name: the contract (Vaurien.Abstractions), the
/// composition attributes and runtime (System.Composition.*), and the services the host exports to plugins
/// (TimeProvider, ILoggerFactory), each with everything it references. A plugin that brings its own copy of one of
/// them still gets the host's, so the types it exchanges with the host are the host's types.
/// </summary>
internal static class SharedAssemblies
{
    // Listed by type, as McMaster's sharedTypes: the assembly follows the type if it ever moves.
    private static readonly Type[] SharedTypes =
    [
        typeof(IBehavior),
        typeof(ExportAttribute),
        typeof(CompositionContext),
        typeof(CompositionHost),
        typeof(ContainerConfiguration),
        typeof(ConventionBuilder),
        typeof(ILoggerFactory),
        typeof(TimeProvider),
    ];

    /// <summary>The simple names of the shared assemblies and of all they reference, transitively.</summary>
    public static FrozenSet<string> Names { get; } = Closure();

    private static FrozenSet<string> Closure()
    {
        // Transitive, as McMaster's PreferDefaultLoadContextAssembly: a shared type's own dependencies must be the
        // host's too, or its members would speak of types the plugin cannot exchange.
        var names = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<AssemblyName>(SharedTypes.Select(t => t.Assembly.GetName()));
        while (pending.TryDequeue(out var name))
        {
            if (name.Name is null || !names.Add(name.Name))
            {
                continue;
            }

            Assembly assembly;
            try
            {
                assembly = AssemblyLoadContext.Default.LoadFromAssemblyName(name);
            }
            catch (FileNotFoundException)
            {
                // A reference the host never needs at run time (a facade); it is shared by name all the same.
                continue;
            }

            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                pending.Enqueue(reference);
            }
        }

        return names.ToFrozenSet(StringComparer.Ordinal);
    }
}
