using Microsoft.Extensions.Logging;

namespace Vaurien.Host.ControlApi;

/// <summary>The control API's log events. Event ids 200-299 belong to ControlApi; never reuse a retired one.</summary>
internal static partial class ControlApiLog
{
    [LoggerMessage(EventId = 200, EventName = "ControlStarted", Level = LogLevel.Information,
        Message = "Started the HTTP server: {Url}")]
    public static partial void Started(ILogger logger, string url);

    [LoggerMessage(EventId = 201, EventName = "ControlNotLoopback", Level = LogLevel.Warning,
        Message = "The HTTP control API listens on {Address}, which is not a loopback address. It has no authentication: anyone who can reach it can change the proxy's behavior and backend.")]
    public static partial void NotLoopback(ILogger logger, string address);

    [LoggerMessage(EventId = 202, EventName = "BehaviorChanged", Level = LogLevel.Information,
        Message = "Behavior changed to {Behavior} through the API{Options}")]
    public static partial void BehaviorChanged(ILogger logger, string behavior, string options);

    [LoggerMessage(EventId = 203, EventName = "BackendChanged", Level = LogLevel.Information,
        Message = "Backend changed to {Backend} through the API (new connections go there)")]
    public static partial void BackendChanged(ILogger logger, string backend);

    [LoggerMessage(EventId = 204, EventName = "RequestFailed", Level = LogLevel.Error,
        Message = "The HTTP control API failed on {Method} {Path}")]
    public static partial void RequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 205, EventName = "ControlStopped", Level = LogLevel.Debug,
        Message = "Stopped the HTTP server: {Url}")]
    public static partial void Stopped(ILogger logger, string url);
}
