using Xunit;

namespace Vaurien.Host.Plugins.Tests;

public sealed class PluginAssemblyInspectorTests : IDisposable
{
    private static readonly System.Reflection.AssemblyName Contract = typeof(IBehavior).Assembly.GetName();

    private readonly PluginRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void FindProblem_TextFile_IsNotADotNetAssembly()
    {
        var path = Path.Combine(_root.AddFolder("Text"), "Text.dll");
        File.WriteAllText(path, "MZ but not really");

        Assert.Equal("'Text.dll' is not a .NET assembly.", PluginAssemblyInspector.FindProblem(path, Contract));
    }

    [Fact]
    public void FindProblem_EmptyFile_IsNotADotNetAssembly()
    {
        var path = Path.Combine(_root.AddFolder("Empty"), "Empty.dll");
        File.WriteAllBytes(path, []);

        Assert.Equal("'Empty.dll' is not a .NET assembly.", PluginAssemblyInspector.FindProblem(path, Contract));
    }

    [Fact]
    public void FindProblem_OtherContractMajor_NamesBothVersions()
    {
        var path = Path.Combine(PluginRoot.Fixtures, "Fixture.WrongAbstractions", "Fixture.WrongAbstractions.dll");

        var problem = PluginAssemblyInspector.FindProblem(path, Contract);

        Assert.Equal(
            "it was built against Vaurien.Abstractions 2.0.0.0, but this host provides Vaurien.Abstractions 1.0.0.0: rebuild it against Vaurien.Abstractions 1.x.",
            problem);
    }

    [Theory]
    [InlineData("Fixture.Services")]
    [InlineData("Fixture.Isolated")]
    public void FindProblem_SameContractMajor_FindsNone(string fixture)
    {
        var path = Path.Combine(PluginRoot.Fixtures, fixture, fixture + ".dll");

        Assert.Null(PluginAssemblyInspector.FindProblem(path, Contract));
    }

    [Fact]
    public void FindProblem_NewerMinorOfTheContract_FindsNone()
    {
        // Minor versions only add to the contract: a plugin built against 1.0 loads in a host at 1.5.
        var path = Path.Combine(PluginRoot.Fixtures, "Fixture.Services", "Fixture.Services.dll");
        var host = new System.Reflection.AssemblyName("Vaurien.Abstractions") { Version = new Version(1, 5, 0, 0) };

        Assert.Null(PluginAssemblyInspector.FindProblem(path, host));
    }
}
