namespace Vaurien.Protocols.Tests;

/// <summary>
/// The test classes that time the real <c>delay</c> behavior. They run alone, after every other class: run beside
/// them, the other classes' servers and clients stall the two cores for longer than the bounds allow.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "Timing";

    /// <summary>
    /// Asserts that <paramref name="requests"/> requests under a delay of <paramref name="sleep"/> seconds took about
    /// <paramref name="requests"/> x <paramref name="sleep"/>: each delayed once, not once per TCP read (a request
    /// written in three pieces delayed per read would take three times as long).
    /// </summary>
    public static void AssertEachDelayedOnce(TimeSpan elapsed, int requests, double sleep)
    {
        // .NET timers may fire up to about a millisecond early, hence 0.97 rather than exactly N x sleep.
        var low = requests * sleep * 0.97;
        var high = requests * sleep * 1.75;
        var seconds = elapsed.TotalSeconds;
        Assert.True(seconds >= low && seconds < high, $"{requests} requests delayed {sleep} s each took {seconds:F3} s, expected {low:F2} to {high:F2} s.");
    }
}
