using Vaurien.Host.Configuration;
using Vaurien.Host.Plugins;

namespace Vaurien.Host.Proxy;

/// <summary>Everything a proxy needs to run, validated and bound: what the configuration turns into.</summary>
/// <param name="Listen">Where clients connect (port 0 picks a free port).</param>
/// <param name="Protocol">The protocol that frames every connection.</param>
/// <param name="ProtocolOptions">The protocol's bound options (a <see cref="ProtocolOptions"/> for built-ins).</param>
/// <param name="Timeout">Backend connect timeout, and idle timeout unless <paramref name="StayConnected"/>.</param>
/// <param name="StayConnected">Keep idle connections open instead of closing them after <paramref name="Timeout"/>.</param>
/// <param name="State">The live policy and backend.</param>
internal sealed record ProxyDefinition(
    HostPort Listen,
    ExtensionDescriptor Protocol,
    object ProtocolOptions,
    TimeSpan Timeout,
    bool StayConnected,
    ProxyState State)
{
    public string Name => State.Name;
}
