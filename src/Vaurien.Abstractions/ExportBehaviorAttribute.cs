using System.Composition;

namespace Vaurien;

/// <summary>
/// Exports a behavior for discovery under <paramref name="name"/>, the key used on the command line
/// (<c>--behavior 20:name</c>), in TOML (<c>[behavior.name]</c>) and in the control API. The behavior can also
/// be referenced by its full type name.
/// </summary>
/// <param name="name">A short lower-case name, unique among the loaded behaviors.</param>
[MetadataAttribute]
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ExportBehaviorAttribute(string name) : ExportAttribute(typeof(IBehavior))
{
    /// <summary>The name the behavior is referenced by.</summary>
    public string Name { get; } = name;

    /// <summary>One sentence saying what the behavior does, shown in <c>--help</c> and the docs.</summary>
    public string Description { get; set; } = "";
}
