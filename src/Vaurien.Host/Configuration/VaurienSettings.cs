using Vaurien.Host.Plugins;
using Vaurien.Host.Proxy;

namespace Vaurien.Host.Configuration;

/// <summary>The validated, bound configuration of one run: what the config file and flags resolve to.</summary>
/// <param name="Vaurien">The <c>[vaurien]</c> values.</param>
/// <param name="Listen">Where the proxy listens.</param>
/// <param name="Backend">Where it forwards.</param>
/// <param name="Protocol">The protocol that frames connections.</param>
/// <param name="BehaviorOptions">Every loaded behavior's options, by behavior name (defaults where nothing was set).</param>
/// <param name="ProtocolOptions">Every loaded protocol's options, by protocol name.</param>
/// <param name="Policy">The behavior policy to start with.</param>
internal sealed record VaurienSettings(
    VaurienOptions Vaurien,
    HostPort Listen,
    HostPort Backend,
    ExtensionDescriptor Protocol,
    IReadOnlyDictionary<string, object> BehaviorOptions,
    IReadOnlyDictionary<string, object> ProtocolOptions,
    BehaviorPolicy Policy)
{
    public TimeSpan Timeout => TimeSpan.FromSeconds(Vaurien.Timeout);

    /// <summary>A new activation of <paramref name="behavior"/> with its configured options (a new warmup/agitate count).</summary>
    public BehaviorActivation Activate(ExtensionDescriptor behavior) => new(behavior, BehaviorOptions[behavior.Name]);
}
