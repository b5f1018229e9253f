namespace Vaurien.Protocols.Tests;

/// <summary>Tests that move gigabytes: run alone, so they neither slow down nor are slowed by the timing-sensitive ones.</summary>
[CollectionDefinition(nameof(BulkTransferCollection), DisableParallelization = true)]
public sealed class BulkTransferCollection
{
}
