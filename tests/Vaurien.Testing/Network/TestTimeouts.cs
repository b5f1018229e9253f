namespace Vaurien.Testing.Network;

/// <summary>Real-time bounds for network waits in tests: generous, as they only matter when something is broken.</summary>
public static class TestTimeouts
{
    /// <summary>The longest any single network wait may take before the test fails.</summary>
    public static readonly TimeSpan Network = TimeSpan.FromSeconds(15);
}
