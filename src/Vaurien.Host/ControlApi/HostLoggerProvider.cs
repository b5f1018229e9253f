using Microsoft.Extensions.Logging;

namespace Vaurien.Host.ControlApi;

/// <summary>Sends the web host's logs to the vaurien command's own logger factory (one format, one output).</summary>
internal sealed class HostLoggerProvider(ILoggerFactory loggerFactory) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => loggerFactory.CreateLogger(categoryName);

    public void Dispose()
    {
        // The factory belongs to the vaurien command, which disposes it after the API has stopped.
    }
}
