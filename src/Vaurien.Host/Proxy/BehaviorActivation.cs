using Vaurien.Host.Plugins;

namespace Vaurien.Host.Proxy;

/// <summary>
/// One behavior set on a proxy with its options. It counts the exchanges it was given, across connections, from
/// the moment it was set: Vaurien's <c>warmup</c> and <c>agitate</c> count with it, and setting the behavior again
/// starts a new count.
/// </summary>
internal sealed class BehaviorActivation(ExtensionDescriptor descriptor, object options)
{
    private long _calls;

    public ExtensionDescriptor Descriptor { get; } = descriptor;

    public string Name => Descriptor.Name;

    public IBehavior Behavior => Descriptor.Behavior;

    public object Options { get; } = options;

    public bool IsPassThrough => Descriptor.IsPassThrough;

    /// <summary>Counts one more exchange and returns its 1-based number.</summary>
    public long NextCall() => Interlocked.Increment(ref _calls);

    public long Calls => Interlocked.Read(ref _calls);
}
