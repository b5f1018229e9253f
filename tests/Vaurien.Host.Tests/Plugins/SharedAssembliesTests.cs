using Xunit;

namespace Vaurien.Host.Plugins.Tests;

public sealed class SharedAssembliesTests
{
    [Theory]
    [InlineData("Vaurien.Abstractions")]
    [InlineData("System.Composition.AttributedModel")]
    [InlineData("System.Composition.Runtime")]
    [InlineData("System.Composition.Hosting")]
    [InlineData("System.Composition.TypedParts")]
    [InlineData("Microsoft.Extensions.Logging.Abstractions")]
    [InlineData("Microsoft.Extensions.DependencyInjection.Abstractions")]
    [InlineData("System.IO.Pipelines")]
    public void Names_ContractAndHostServices_AreShared(string assembly) =>
        Assert.Contains(assembly, (IReadOnlySet<string>)SharedAssemblies.Names);

    [Theory]
    [InlineData("Newtonsoft.Json")]
    [InlineData("Vaurien.Host")]
    [InlineData("vaurien")]
    public void Names_OtherLibraries_AreNotShared(string assembly) =>
        Assert.DoesNotContain(assembly, (IReadOnlySet<string>)SharedAssemblies.Names);
}
