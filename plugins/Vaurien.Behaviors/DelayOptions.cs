namespace Vaurien.Behaviors;

/// <summary>The options of the <c>delay</c> behavior.</summary>
public sealed record DelayOptions
{
    /// <summary>How long to wait, in seconds; 0 adds no delay. Defaults to 1.</summary>
    [Option("Delay in seconds, from 0 (no delay) to 86400 (one day). Defaults to 1.", Min = 0, Max = 86400)]
    public double Sleep { get; init; } = 1;

    /// <summary>True to wait before the backend is called, false to wait after the response. Defaults to true.</summary>
    [Option("If true, the delay is added before the backend is called; otherwise after the response was sent back. Defaults to true.")]
    public bool Before { get; init; } = true;
}
