namespace Vaurien.Host.Proxy;

/// <summary>Per-connection random sources, derived from one seed when there is one.</summary>
internal sealed class RandomFactory(int? seed) : IRandomFactory
{
    public Random Create(long connectionId)
    {
        var random = seed is { } s ? new Random(HashCode.Combine(s, connectionId)) : new Random();

        // Both directions of a connection may pick at once; Random is not thread-safe.
        return new LockedRandom(random);
    }
}
