using Vaurien.Host.Options;
using Vaurien.Host.Plugins;

namespace Vaurien.Host.Tests.Support;

/// <summary>A small catalog of in-test behaviors and protocols, for tests that must not depend on the plugin loader.</summary>
internal static class TestExtensions
{
    public static ExtensionCatalog Catalog(params ExtensionDescriptor[] extra) =>
        new([Behavior("dummy", new PassBehavior()), Behavior("delay", new SleepyBehavior()), Behavior("error", new FailingBehavior()), Protocol("tcp", new PlainProtocol()), .. extra]);

    public static ExtensionDescriptor Behavior(string name, IBehavior behavior) =>
        new(ExtensionKind.Behavior, name, behavior.GetType().FullName!, $"The {name} test behavior.", behavior, OptionSet.ForExtension(behavior.GetType()), "tests");

    public static ExtensionDescriptor Protocol(string name, IProtocol protocol) =>
        new(ExtensionKind.Protocol, name, protocol.GetType().FullName!, $"The {name} test protocol.", protocol, OptionSet.ForExtension(protocol.GetType()), "tests");
}
