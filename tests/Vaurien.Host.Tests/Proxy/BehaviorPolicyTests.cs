using Vaurien.Host.Proxy;
using Vaurien.Host.Tests.Support;

namespace Vaurien.Host.Proxy.Tests;

public class BehaviorPolicyTests
{
    private static BehaviorPolicy? Parse(string spec, List<string> errors)
    {
        var catalog = TestExtensions.Catalog();
        return BehaviorPolicy.TryParse(spec, catalog, d => new BehaviorActivation(d, d.Options.CreateDefault()), errors);
    }

    [Fact]
    public void TryParse_GivesTheRestToDummy()
    {
        var errors = new List<string>();
        var policy = Parse("20:delay,5:error", errors)!;
        Assert.Empty(errors);
        Assert.Equal([(20, "delay"), (5, "error"), (75, "dummy")], policy.Entries.Select(e => (e.Percent, e.Activation.Name)));
        Assert.Equal("20:delay,5:error,75:dummy", policy.ToString());
        Assert.False(policy.IsPassThrough);
    }

    [Fact]
    public void TryParse_BareName_IsAllOfTheTraffic()
    {
        var errors = new List<string>();
        var policy = Parse("delay", errors)!;
        Assert.Equal("delay", policy.Single!.Name);
        Assert.Equal("delay", policy.ToString());
    }

    [Fact]
    public void TryParse_AcceptsFullTypeName()
    {
        var errors = new List<string>();
        var policy = Parse($"100:{typeof(SleepyBehavior).FullName}", errors)!;
        Assert.Empty(errors);
        Assert.Equal("delay", policy.Single!.Name);
    }

    [Fact]
    public void TryParse_DummyOnly_IsPassThrough()
    {
        var errors = new List<string>();
        Assert.True(Parse("100:dummy", errors)!.IsPassThrough);
        Assert.True(Parse("0:delay", errors)!.IsPassThrough);
    }

    [Fact]
    public void TryParse_UnknownName_ListsValidNames()
    {
        var errors = new List<string>();
        Assert.Null(Parse("20:dlay", errors));
        Assert.Equal("Unknown behavior 'dlay'. Valid behaviors: delay, dummy, error.", Assert.Single(errors));
    }

    [Theory]
    [InlineData("60:delay,50:error", "add up to 110")]
    [InlineData("101:delay", "weight over 100")]
    [InlineData("x:delay", "needs a whole percentage")]
    [InlineData("-5:delay", "needs a whole percentage")]
    [InlineData("20:delay,,5:error", "empty entry")]
    [InlineData("20:delay,5:delay", "appears twice")]
    public void TryParse_RejectsBadSpecs(string spec, string expected)
    {
        var errors = new List<string>();
        Assert.Null(Parse(spec, errors));
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Pick_FollowsWeights_WithASeededRandom()
    {
        var errors = new List<string>();
        var policy = Parse("20:delay,5:error", errors)!;
        var random = new Random(42);
        var counts = new Dictionary<string, int>();
        const int picks = 100_000;
        for (var i = 0; i < picks; i++)
        {
            var name = policy.Pick(random).Name;
            counts[name] = counts.GetValueOrDefault(name) + 1;
        }

        // 99.9% binomial bounds: p ± 3.3 sqrt(p(1-p)/n).
        Assert.InRange(counts["delay"] / (double)picks, 0.2 - 0.0042, 0.2 + 0.0042);
        Assert.InRange(counts["error"] / (double)picks, 0.05 - 0.0023, 0.05 + 0.0023);
    }

    [Fact]
    public void Pick_SameSeed_SameSequence()
    {
        var errors = new List<string>();
        var policy = Parse("50:delay", errors)!;
        var a = new RandomFactory(7).Create(3);
        var b = new RandomFactory(7).Create(3);
        var c = new RandomFactory(7).Create(4);
        var sequenceA = Enumerable.Range(0, 200).Select(_ => policy.Pick(a).Name).ToList();
        Assert.Equal(sequenceA, Enumerable.Range(0, 200).Select(_ => policy.Pick(b).Name));
        Assert.NotEqual(sequenceA, Enumerable.Range(0, 200).Select(_ => policy.Pick(c).Name));
    }

    [Fact]
    public void BehaviorActivation_CountsCallsAcrossThreads()
    {
        var activation = new BehaviorActivation(TestExtensions.Catalog().Behaviors[0], new NoOptions());
        Parallel.For(0, 1000, _ => activation.NextCall());
        Assert.Equal(1000, activation.Calls);
        Assert.Equal(1001, activation.NextCall());
    }
}
