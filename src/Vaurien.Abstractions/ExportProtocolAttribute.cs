using System.Composition;

namespace Vaurien;

/// <summary>
/// Exports a protocol for discovery under <paramref name="name"/>, the key used by <c>--protocol name</c>,
/// in TOML (<c>[protocol.name]</c>) and in option flags (<c>--protocol-name-option</c>).
/// </summary>
/// <param name="name">A short lower-case name, unique among the loaded protocols.</param>
[MetadataAttribute]
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ExportProtocolAttribute(string name) : ExportAttribute(typeof(IProtocol))
{
    /// <summary>The name the protocol is referenced by.</summary>
    public string Name { get; } = name;

    /// <summary>One sentence saying what the protocol frames, shown in <c>--help</c> and the docs.</summary>
    public string Description { get; set; } = "";
}
