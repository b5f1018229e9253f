using Vaurien.Host.Options;

namespace Vaurien.Host.Plugins;

/// <summary>
/// One loaded behavior or protocol, as the rest of the host sees it: a plain contract, free of load contexts and
/// composition types.
/// </summary>
/// <param name="Kind">Behavior or protocol.</param>
/// <param name="Name">The exported name (<c>delay</c>), the key in flags, TOML and the API.</param>
/// <param name="TypeName">The full type name (<c>My.Namespace.SuperBehavior</c>), accepted wherever the name is.</param>
/// <param name="Description">One sentence from the export attribute.</param>
/// <param name="Instance">The shared instance: an <see cref="IBehavior"/> or an <see cref="IProtocol"/>.</param>
/// <param name="Options">Its declared options.</param>
/// <param name="Origin">The plugin folder it was loaded from.</param>
internal sealed record ExtensionDescriptor(
    ExtensionKind Kind,
    string Name,
    string TypeName,
    string Description,
    object Instance,
    OptionSet Options,
    string Origin)
{
    public IBehavior Behavior => (IBehavior)Instance;

    public IProtocol Protocol => (IProtocol)Instance;

    /// <summary>True for behaviors that never act (dummy): the fast path.</summary>
    public bool IsPassThrough => Instance is IPassThroughBehavior;
}
