namespace Vaurien.Client.Tests;

/// <summary>The load test runs alone: on two cores, other tests running beside it would only measure each other.</summary>
[CollectionDefinition(nameof(LoadCollection), DisableParallelization = true)]
public sealed class LoadCollection
{
}
