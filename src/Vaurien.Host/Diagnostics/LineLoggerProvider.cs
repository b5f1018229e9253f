using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Vaurien.Host.Diagnostics;

/// <summary>
/// Writes one line per log entry in Vaurien's format, <c>2026-11-22 05:40:00 [1234] [INFO] message</c>, to standard
/// error or a file (<c>--log-output</c>). Writes are serialised so lines never interleave.
/// </summary>
internal sealed class LineLoggerProvider(TextWriter writer, LogLevel minimum, TimeProvider time, bool ownsWriter) : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, LineLogger> _loggers = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public LogLevel Minimum { get; } = minimum;

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, _ => new LineLogger(this));

    public void Dispose()
    {
        lock (_lock)
        {
            writer.Flush();
            if (ownsWriter)
            {
                writer.Dispose();
            }
        }
    }

    internal void Write(LogLevel level, string message, Exception? exception)
    {
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{time.GetLocalNow():yyyy-MM-dd HH:mm:ss} [{Environment.ProcessId}] [{LevelName(level)}] {message}");
        if (exception is not null && Minimum <= LogLevel.Debug)
        {
            // Stack traces only when debugging: users get one line per event.
            line += Environment.NewLine + exception;
        }

        lock (_lock)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error => "ERROR",
        _ => "CRITICAL",
    };

    private sealed class LineLogger(LineLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider.Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, formatter(state, exception), exception);
            }
        }
    }
}
