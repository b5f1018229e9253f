namespace Vaurien.Host.Proxy;

/// <summary>A <see cref="Random"/> safe to share between the two directions of one connection.</summary>
internal sealed class LockedRandom(Random inner) : Random
{
    private readonly Lock _lock = new();

    public override int Next()
    {
        lock (_lock)
        {
            return inner.Next();
        }
    }

    public override int Next(int maxValue)
    {
        lock (_lock)
        {
            return inner.Next(maxValue);
        }
    }

    public override int Next(int minValue, int maxValue)
    {
        lock (_lock)
        {
            return inner.Next(minValue, maxValue);
        }
    }

    public override long NextInt64()
    {
        lock (_lock)
        {
            return inner.NextInt64();
        }
    }

    public override long NextInt64(long maxValue)
    {
        lock (_lock)
        {
            return inner.NextInt64(maxValue);
        }
    }

    public override long NextInt64(long minValue, long maxValue)
    {
        lock (_lock)
        {
            return inner.NextInt64(minValue, maxValue);
        }
    }

    public override double NextDouble()
    {
        lock (_lock)
        {
            return inner.NextDouble();
        }
    }

    public override float NextSingle()
    {
        lock (_lock)
        {
            return inner.NextSingle();
        }
    }

    public override void NextBytes(byte[] buffer)
    {
        lock (_lock)
        {
            inner.NextBytes(buffer);
        }
    }

    public override void NextBytes(Span<byte> buffer)
    {
        lock (_lock)
        {
            inner.NextBytes(buffer);
        }
    }

    protected override double Sample() => NextDouble();
}
