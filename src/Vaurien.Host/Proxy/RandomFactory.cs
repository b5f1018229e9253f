namespace Vaurien.Host.Proxy;

/// <summary>Per-connection random sources, derived from one seed when there is one.</summary>
internal sealed class RandomFactory(int? seed) : IRandomFactory
{
    public Random Create(long connectionId)
    {
        var random = seed is { } s ? new Random(Mix(s, connectionId)) : new Random();

        // Both directions of a connection may pick at once; Random is not thread-safe.
        return new LockedRandom(random);
    }

    // Not HashCode.Combine: it is randomized per process, and a seeded run must give connection N the same
    // sequence in every run. SplitMix64's finalizer spreads nearby (seed, id) pairs apart.
    private static int Mix(int seed, long connectionId)
    {
        unchecked
        {
            var x = ((ulong)(uint)seed << 32) ^ (ulong)connectionId;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            x ^= x >> 31;
            return (int)x;
        }
    }
}
