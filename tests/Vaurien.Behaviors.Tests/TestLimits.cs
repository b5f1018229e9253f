namespace Vaurien.Behaviors.Tests;

/// <summary>Real-time bounds for waits in tests: generous, since they only matter when something is broken.</summary>
internal static class TestLimits
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
}
