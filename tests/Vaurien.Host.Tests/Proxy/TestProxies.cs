using System.Net;
using System.Reflection;
using Vaurien.Host.Configuration;
using Vaurien.Host.Options;
using Vaurien.Host.Plugins;
using Vaurien.Testing.Network;

namespace Vaurien.Host.Proxy.Tests;

/// <summary>Proxy definitions for tests that drive <see cref="ProxyServer"/> directly, with the real tcp protocol.</summary>
internal static class TestProxies
{
    /// <summary>
    /// The tcp protocol from the built-in plugin laid out beside the tests (the PluginProject items of the csproj),
    /// found by composition as the host finds it.
    /// </summary>
    public static IProtocol Tcp()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "plugins", "Vaurien.Protocols", "Vaurien.Protocols.dll");
        return Exports.Protocol(Assembly.LoadFrom(path), "tcp");
    }

    public static ProxyDefinition Definition(
        HostPort backend,
        HostPort? listen = null,
        TimeSpan? timeout = null,
        bool stayConnected = false,
        object? protocolOptions = null)
    {
        var tcp = Tcp();
        var protocol = new ExtensionDescriptor(ExtensionKind.Protocol, "tcp", tcp.GetType().FullName!, "tcp", tcp, OptionSet.ForExtension(tcp.GetType()), "tests");
        var dummy = new ExtensionDescriptor(ExtensionKind.Behavior, BuiltInNames.Dummy, typeof(PassThrough).FullName!, "dummy", new PassThrough(), OptionSet.Empty, "tests");
        var state = new ProxyState("test", BehaviorPolicy.Only(new BehaviorActivation(dummy, new NoOptions())), backend);
        return new ProxyDefinition(
            listen ?? new HostPort("127.0.0.1", 0),
            protocol,
            protocolOptions ?? protocol.Options.CreateDefault(),
            timeout ?? TimeSpan.FromSeconds(30),
            stayConnected,
            state);
    }

    public static HostPort ToHostPort(IPEndPoint endPoint) => new(endPoint.Address.ToString(), endPoint.Port);

    /// <summary>Gives every exchange of <paramref name="definition"/>'s proxy to <paramref name="behavior"/> from now on.</summary>
    public static void SetBehavior(ProxyDefinition definition, IBehavior behavior)
    {
        var descriptor = new ExtensionDescriptor(ExtensionKind.Behavior, "test", behavior.GetType().FullName!, "test", behavior, OptionSet.ForExtension(behavior.GetType()), "tests");
        definition.State.Policy = BehaviorPolicy.Only(new BehaviorActivation(descriptor, descriptor.Options.CreateDefault()));
    }

    private sealed class PassThrough : IPassThroughBehavior
    {
        public ValueTask OnBeforeHandle(BehaviorContext context) => ValueTask.CompletedTask;

        public ValueTask OnAfterHandle(BehaviorContext context) => ValueTask.CompletedTask;
    }
}
