namespace Vaurien.Behaviors.Tests;

public class BehaviorExportsTests
{
    [Fact]
    public void GetExports_PluginAssembly_FindsAllSevenByName()
    {
        using var container = BuiltInBehaviors.CreateContainer();

        var names = container.GetExports<Lazy<IBehavior, IDictionary<string, object>>>()
            .Select(e => (string)e.Metadata["Name"])
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(BuiltInBehaviors.Names, names);
    }

    [Theory]
    [InlineData("dummy", "Transparent behavior: nothing is done.")]
    [InlineData("delay", "Adds a delay before or after the backend is called.")]
    [InlineData("error", "Reads the packets that have been sent then sends back errors.")]
    [InlineData("hang", "Reads the packets that have been sent then hangs.")]
    [InlineData("blackout", "Closes the client connection without calling the backend.")]
    [InlineData("abort", "Reads the packets that have been sent then aborts the connection (RST).")]
    [InlineData("transient", "Sends errors for the first calls, then works.")]
    public void GetExports_EachBehavior_CarriesItsDescription(string name, string description)
    {
        using var container = BuiltInBehaviors.CreateContainer();

        var export = Assert.Single(container.GetExports<Lazy<IBehavior, IDictionary<string, object>>>(), e => Equals(e.Metadata["Name"], name));

        Assert.Equal(description, export.Metadata["Description"]);
    }

    [Fact]
    public void GetExports_InternalSealedClasses_AreDiscoveredAndCreated()
    {
        using var container = BuiltInBehaviors.CreateContainer();

        var types = container.GetExports<IBehavior>().Select(b => b.GetType()).ToList();

        Assert.Equal(BuiltInBehaviors.Names.Length, types.Count);
        Assert.All(types, t =>
        {
            Assert.True(t.IsNotPublic, $"{t} should be internal: it is reached through composition.");
            Assert.True(t.IsSealed, $"{t} should be sealed.");
        });
    }

    [Fact]
    public void GetExports_OnlyDummy_IsPassThrough()
    {
        using var container = BuiltInBehaviors.CreateContainer();

        var passThrough = container.GetExports<Lazy<IBehavior, IDictionary<string, object>>>()
            .Where(e => e.Value is IPassThroughBehavior)
            .Select(e => e.Metadata["Name"]);

        Assert.Equal("dummy", Assert.Single(passThrough));
    }

    [Theory]
    [InlineData("abort")]
    [InlineData("blackout")]
    [InlineData("delay")]
    [InlineData("dummy")]
    [InlineData("error")]
    [InlineData("hang")]
    [InlineData("transient")]
    public void GetExports_EachBehaviorType_IsInTheBehaviorsNamespaceAndNamedAfterItsExport(string name)
    {
        var type = BuiltInBehaviors.Get(name).GetType();

        Assert.Equal("Vaurien.Behaviors", type.Namespace);
        Assert.Equal(name, type.Name.ToLowerInvariant());
    }
}
