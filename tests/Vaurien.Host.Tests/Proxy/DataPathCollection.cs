using Xunit;

namespace Vaurien.Host.Proxy.Tests;

/// <summary>
/// Data-path tests that measure the whole process (allocations, unobserved exceptions) or load it: they run alone.
/// </summary>
[CollectionDefinition(nameof(DataPathCollection), DisableParallelization = true)]
public sealed class DataPathCollection
{
}
