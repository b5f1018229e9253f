using Microsoft.Extensions.Logging;

namespace Vaurien.Host.Diagnostics;

/// <summary>Vaurien's <c>--log-level</c> names.</summary>
internal static class LogLevels
{
    public static LogLevel Parse(string name) => name.ToLowerInvariant() switch
    {
        "critical" => LogLevel.Critical,
        "error" => LogLevel.Error,
        "warning" => LogLevel.Warning,
        "debug" => LogLevel.Debug,
        _ => LogLevel.Information,
    };
}
