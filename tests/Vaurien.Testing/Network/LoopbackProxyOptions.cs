using Microsoft.Extensions.Logging;

namespace Vaurien.Testing.Network;

/// <summary>How a <see cref="LoopbackProxy"/> is set up; every property has a test-friendly default.</summary>
public sealed class LoopbackProxyOptions
{
    /// <summary>The protocol's options (a <see cref="Vaurien.ProtocolOptions"/> record for the built-ins); null for its defaults.</summary>
    public object? ProtocolOptions { get; init; }

    /// <summary>Backend connect timeout, and idle timeout unless <see cref="StayConnected"/>. Defaults to 30 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Keep idle connections open. Defaults to false, as in Vaurien.</summary>
    public bool StayConnected { get; init; }

    /// <summary>The proxy's clock. Defaults to the system clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the proxy logs. Defaults to nowhere.</summary>
    public ILoggerFactory? Loggers { get; init; }

    /// <summary>Seeds every connection's random source, for reproducible picks. Defaults to unseeded.</summary>
    public int? Seed { get; init; }
}
