using Vaurien.Testing.Randomness;

namespace Vaurien.Behaviors.Tests.Fakes;

public class ScriptedRandomTests
{
    [Fact]
    public void Next_ScriptedValues_ComeBackInOrder()
    {
        var random = new ScriptedRandom().AddIntegers(5, 0, 99);

        Assert.Equal([5, 0, 99], [random.Next(100), random.Next(100), random.Next(100)]);
    }

    [Fact]
    public void Next_ScriptedValueOutOfRange_Throws()
    {
        var random = new ScriptedRandom().AddIntegers(100);

        Assert.Throws<InvalidOperationException>(() => random.Next(100));
    }

    [Fact]
    public void Next_ScriptExhausted_ThrowsWithoutASeed()
    {
        var random = new ScriptedRandom().AddIntegers(1);
        random.Next(10);

        Assert.Throws<InvalidOperationException>(() => random.Next(10));
    }

    [Fact]
    public void NextDouble_ScriptedValues_ComeBackInOrder()
    {
        var random = new ScriptedRandom().AddDoubles(0.25, 0.75);

        Assert.Equal([0.25, 0.75], [random.NextDouble(), random.NextDouble()]);
    }

    [Fact]
    public void NextBytes_ScriptedBytes_FillTheBufferThenTheSeedGoesOn()
    {
        var random = ScriptedRandom.Seeded(3).AddBytes(1, 2, 3);
        var buffer = new byte[10];

        random.NextBytes(buffer);

        var rest = new byte[7];
        ScriptedRandom.Seeded(3).NextBytes(rest);
        Assert.Equal([1, 2, 3, .. rest], buffer);
        Assert.Equal(10, random.BytesDrawn);
    }

    [Fact]
    public void Seeded_SameSeed_GivesTheSameSequence()
    {
        var a = ScriptedRandom.Seeded(42);
        var b = ScriptedRandom.Seeded(42);

        Assert.Equal(
            [a.Next(1000), a.Next(1000), (int)(a.NextDouble() * 1000)],
            [b.Next(1000), b.Next(1000), (int)(b.NextDouble() * 1000)]);
    }
}
