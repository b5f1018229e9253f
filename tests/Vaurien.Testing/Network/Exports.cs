using System.Composition.Hosting;
using System.Reflection;

namespace Vaurien.Testing.Network;

/// <summary>Finds a plugin's protocol or behavior the way the host does: by composing its assembly and reading the export names.</summary>
public static class Exports
{
    /// <summary>A new instance of the protocol <paramref name="assembly"/> exports as <paramref name="name"/>.</summary>
    public static IProtocol Protocol(Assembly assembly, string name) => Get<IProtocol>(assembly, name);

    /// <summary>A new instance of the behavior <paramref name="assembly"/> exports as <paramref name="name"/> (<c>delay</c>, <c>error</c>...).</summary>
    public static IBehavior Behavior(Assembly assembly, string name) => Get<IBehavior>(assembly, name);

    private static T Get<T>(Assembly assembly, string name)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        using var container = new ContainerConfiguration().WithAssembly(assembly).CreateContainer();
        var exports = container.GetExports<Lazy<T, IDictionary<string, object>>>()
            .Where(e => Equals(e.Metadata["Name"], name))
            .ToList();
        return exports.Count == 1
            ? exports[0].Value
            : throw new InvalidOperationException($"Expected one {typeof(T).Name} exported as '{name}' by {assembly.GetName().Name}, found {exports.Count}.");
    }
}
