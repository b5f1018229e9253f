using Vaurien;

namespace My.Namespace;

/// <summary>
/// The options of the <c>super</c> behavior, declared once: each property is a flag
/// (<c>--behavior-super-latency-ms 250</c>), a TOML key (<c>latency_ms = 250</c> under <c>[behavior.super]</c>) and a
/// control-API field. The initializers are the defaults; the host checks every value against Min/Max.
/// </summary>
public sealed record SuperBehaviorOptions
{
    /// <summary>Latency added before each request is forwarded, in milliseconds. Defaults to 100.</summary>
    [Option("Latency added before each request is forwarded, in milliseconds, from 0 (none) to 60000. Defaults to 100.", Min = 0, Max = 60000)]
    public int LatencyMs { get; init; } = 100;

    /// <summary>Share of requests answered with the protocol's native error, in percent. Defaults to 10.</summary>
    [Option("Share of requests answered with the protocol's native error instead of reaching the backend, in percent, from 0 (none) to 100 (all). Defaults to 10.", Min = 0, Max = 100)]
    public double ErrorPercent { get; init; } = 10;

    /// <summary>The error text sent back, or null for the protocol's default. Defaults to null.</summary>
    [Option("Text of the error sent back; unset means the protocol's default text. Defaults to unset.")]
    public string? ErrorMessage { get; init; }
}
