namespace Vaurien.Protocols.Tests;

/// <summary>
/// Tests that count the bytes the whole process allocates: they run alone, as any other test running beside them would
/// be counted too.
/// </summary>
[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection
{
}
