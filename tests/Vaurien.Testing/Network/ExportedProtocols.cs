using System.Composition.Hosting;
using System.Reflection;

namespace Vaurien.Testing.Network;

/// <summary>Finds a protocol the way the host does: by composing a plugin assembly and reading the export names.</summary>
public static class ExportedProtocols
{
    /// <summary>A new instance of the protocol <paramref name="assembly"/> exports as <paramref name="name"/>.</summary>
    public static IProtocol Get(Assembly assembly, string name)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        using var container = new ContainerConfiguration().WithAssembly(assembly).CreateContainer();
        var exports = container.GetExports<Lazy<IProtocol, IDictionary<string, object>>>()
            .Where(e => Equals(e.Metadata["Name"], name))
            .ToList();
        return exports.Count == 1
            ? exports[0].Value
            : throw new InvalidOperationException($"Expected one protocol exported as '{name}' by {assembly.GetName().Name}, found {exports.Count}.");
    }
}
