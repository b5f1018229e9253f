using System.Composition;
using System.Composition.Hosting;

namespace Vaurien.Behaviors.Tests;

/// <summary>The plugin's behaviors, found as the host finds them: by composing the assembly and reading export names.</summary>
internal static class BuiltInBehaviors
{
    public static readonly string[] Names = ["abort", "blackout", "delay", "dummy", "error", "hang", "transient"];

    public static CompositionHost CreateContainer() =>
        new ContainerConfiguration().WithAssembly(typeof(DelayOptions).Assembly).CreateContainer();

    /// <summary>A new instance of the behavior exported as <paramref name="name"/>.</summary>
    public static IBehavior Get(string name)
    {
        using var container = CreateContainer();
        var exports = container.GetExports<Lazy<IBehavior, IDictionary<string, object>>>()
            .Where(e => Equals(e.Metadata["Name"], name))
            .ToList();
        return exports.Count == 1
            ? exports[0].Value
            : throw new InvalidOperationException($"Expected one behavior exported as '{name}', found {exports.Count}.");
    }
}
