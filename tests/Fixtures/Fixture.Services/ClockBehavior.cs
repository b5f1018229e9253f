using System.Composition;
using Microsoft.Extensions.Logging;
using Vaurien;

namespace Fixture.Services;

/// <summary>An internal behavior with options that takes the host's clock and logger factory.</summary>
[ExportBehavior("clock", Description = "Takes host services.")]
internal sealed class ClockBehavior : Behavior<ClockOptions>
{
    [ImportingConstructor]
    public ClockBehavior(TimeProvider time, ILoggerFactory loggerFactory)
    {
        Time = time;
        Logger = loggerFactory.CreateLogger("Fixture.Services.Clock");
    }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }
}
