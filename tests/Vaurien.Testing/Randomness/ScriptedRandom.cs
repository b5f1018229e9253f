namespace Vaurien.Testing.Randomness;

/// <summary>
/// A <see cref="Random"/> that returns the values a test gave it, in order: whole numbers for <c>Next</c>/<c>NextInt64</c>,
/// fractions for <c>NextDouble</c>/<c>NextSingle</c>, bytes for <c>NextBytes</c>. Each kind has its own script.
/// When a script runs out, a <see cref="Seeded"/> instance goes on with a seeded sequence; a plain one throws, so a
/// test learns that the code drew more than it expected.
/// </summary>
/// <remarks>A scripted value outside the range the caller asked for throws: the script, not the code, is wrong.</remarks>
public sealed class ScriptedRandom : Random
{
    private readonly Lock _lock = new();
    private readonly Queue<long> _integers = new();
    private readonly Queue<double> _fractions = new();
    private readonly Queue<byte> _bytes = new();
    private readonly Random? _fallback;
    private long _bytesDrawn;

    public ScriptedRandom()
        : this(fallback: null)
    {
    }

    private ScriptedRandom(Random? fallback)
        : base(0)
    {
        _fallback = fallback;
    }

    /// <summary>How many bytes <c>NextBytes</c> has handed out, scripted or not.</summary>
    public long BytesDrawn
    {
        get
        {
            lock (_lock)
            {
                return _bytesDrawn;
            }
        }
    }

    /// <summary>Scripted values not drawn yet, of every kind.</summary>
    public int Remaining
    {
        get
        {
            lock (_lock)
            {
                return _integers.Count + _fractions.Count + _bytes.Count;
            }
        }
    }

    /// <summary>A random whose unscripted draws come from <c>new Random(seed)</c>: reproducible, and scriptable on top.</summary>
    public static ScriptedRandom Seeded(int seed) => new(new Random(seed));

    /// <summary>Appends values for <c>Next</c>, <c>Next(max)</c>, <c>Next(min, max)</c> and <c>NextInt64</c>.</summary>
    public ScriptedRandom AddIntegers(params long[] values)
    {
        lock (_lock)
        {
            foreach (var value in values)
            {
                _integers.Enqueue(value);
            }
        }

        return this;
    }

    /// <summary>Appends values in [0, 1) for <c>NextDouble</c> and <c>NextSingle</c>.</summary>
    public ScriptedRandom AddDoubles(params double[] values)
    {
        foreach (var value in values)
        {
            if (value is < 0 or >= 1 || double.IsNaN(value))
            {
                throw new ArgumentOutOfRangeException(nameof(values), value, "A scripted NextDouble value must be in [0, 1).");
            }
        }

        lock (_lock)
        {
            foreach (var value in values)
            {
                _fractions.Enqueue(value);
            }
        }

        return this;
    }

    /// <summary>Appends bytes for <c>NextBytes</c>, which takes as many as it fills.</summary>
    public ScriptedRandom AddBytes(params byte[] values)
    {
        lock (_lock)
        {
            foreach (var value in values)
            {
                _bytes.Enqueue(value);
            }
        }

        return this;
    }

    public override int Next() => (int)NextInteger(0, int.MaxValue);

    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (int)NextInteger(0, maxValue);
    }

    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return (int)NextInteger(minValue, maxValue);
    }

    public override long NextInt64() => NextInteger(0, long.MaxValue);

    public override long NextInt64(long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return NextInteger(0, maxValue);
    }

    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return NextInteger(minValue, maxValue);
    }

    public override double NextDouble()
    {
        lock (_lock)
        {
            if (_fractions.TryDequeue(out var value))
            {
                return value;
            }

            return Fallback("NextDouble").NextDouble();
        }
    }

    public override float NextSingle()
    {
        var value = (float)NextDouble();

        // Rounding to float can reach 1.0f; NextSingle's contract is [0, 1).
        return value < 1f ? value : BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(1f) - 1);
    }

    public override void NextBytes(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        NextBytes(buffer.AsSpan());
    }

    public override void NextBytes(Span<byte> buffer)
    {
        lock (_lock)
        {
            var filled = 0;
            while (filled < buffer.Length && _bytes.TryDequeue(out var value))
            {
                buffer[filled++] = value;
            }

            if (filled < buffer.Length)
            {
                Fallback($"NextBytes ({buffer.Length - filled} more bytes)").NextBytes(buffer[filled..]);
            }

            _bytesDrawn += buffer.Length;
        }
    }

    protected override double Sample() => NextDouble();

    private long NextInteger(long minValue, long maxValue)
    {
        // Random's rule: an empty range returns its lower bound.
        if (maxValue <= minValue)
        {
            return minValue;
        }

        lock (_lock)
        {
            if (_integers.TryDequeue(out var value))
            {
                if (value < minValue || value >= maxValue)
                {
                    throw new InvalidOperationException($"The scripted value {value} is outside the range [{minValue}, {maxValue}) the code asked for.");
                }

                return value;
            }

            return Fallback($"Next({minValue}, {maxValue})").NextInt64(minValue, maxValue);
        }
    }

    private Random Fallback(string call) =>
        _fallback ?? throw new InvalidOperationException($"ScriptedRandom has no scripted value left for {call}; script more values or use ScriptedRandom.Seeded.");
}
