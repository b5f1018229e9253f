using System.Net;
using Microsoft.Extensions.Logging;
using Vaurien.Host.Configuration;

namespace Vaurien.Host.Proxy;

/// <summary>
/// The proxy's log messages. Event ids are stable (dashboards and tests key on them): never renumber, and leave a
/// retired id as a "Reserved" comment. Nothing here is logged per packet.
/// </summary>
internal static partial class ProxyLog
{
    [LoggerMessage(EventId = 1, EventName = "Listening", Level = LogLevel.Information,
        Message = "Proxy '{Proxy}' listening on {EndPoint}, forwarding to {Backend} with protocol '{Protocol}'.")]
    public static partial void Listening(ILogger logger, string proxy, EndPoint endPoint, HostPort backend, string protocol);

    [LoggerMessage(EventId = 2, EventName = "Stopped", Level = LogLevel.Information,
        Message = "Proxy '{Proxy}' stopped.")]
    public static partial void Stopped(ILogger logger, string proxy);

    [LoggerMessage(EventId = 3, EventName = "BackendUnreachable", Level = LogLevel.Warning,
        Message = "Proxy '{Proxy}': cannot reach the backend {Backend} ({Reason}); client connection {ConnectionId} closed.")]
    public static partial void BackendUnreachable(ILogger logger, string proxy, HostPort backend, string reason, long connectionId);

    [LoggerMessage(EventId = 4, EventName = "ConnectionOpened", Level = LogLevel.Debug,
        Message = "Proxy '{Proxy}': connection {ConnectionId} from {Client} to {Backend} opened (backend connection reused: {Reused}).")]
    public static partial void ConnectionOpened(ILogger logger, string proxy, long connectionId, EndPoint? client, EndPoint? backend, bool reused);

    [LoggerMessage(EventId = 5, EventName = "ConnectionClosed", Level = LogLevel.Debug,
        Message = "Proxy '{Proxy}': connection {ConnectionId} closed (backend connection kept for reuse: {Kept}).")]
    public static partial void ConnectionClosed(ILogger logger, string proxy, long connectionId, bool kept);

    [LoggerMessage(EventId = 6, EventName = "BehaviorFailed", Level = LogLevel.Warning,
        Message = "Proxy '{Proxy}': behavior '{Behavior}' failed on connection {ConnectionId}, which was closed: {Error}")]
    public static partial void BehaviorFailed(ILogger logger, string proxy, string behavior, long connectionId, string error);

    [LoggerMessage(EventId = 7, EventName = "ProtocolFailed", Level = LogLevel.Error,
        Message = "Proxy '{Proxy}': protocol '{Protocol}' failed on connection {ConnectionId}, which was closed.")]
    public static partial void ProtocolFailed(ILogger logger, string proxy, string protocol, long connectionId, Exception exception);

    [LoggerMessage(EventId = 8, EventName = "SocketFailed", Level = LogLevel.Error,
        Message = "Proxy '{Proxy}': unexpected socket error on the {Side} side of connection {ConnectionId}, which was closed.")]
    public static partial void SocketFailed(ILogger logger, string proxy, string side, long connectionId, Exception exception);

    [LoggerMessage(EventId = 9, EventName = "AcceptFailed", Level = LogLevel.Error,
        Message = "Proxy '{Proxy}' could not accept a connection: {Error}")]
    public static partial void AcceptFailed(ILogger logger, string proxy, string error);

    [LoggerMessage(EventId = 10, EventName = "IdleTimeout", Level = LogLevel.Debug,
        Message = "Proxy '{Proxy}': connection {ConnectionId} moved no data for {Timeout} and was closed.")]
    public static partial void IdleTimeout(ILogger logger, string proxy, long connectionId, TimeSpan timeout);

    [LoggerMessage(EventId = 11, EventName = "PeerReset", Level = LogLevel.Debug,
        Message = "Proxy '{Proxy}': the {Side} reset connection {ConnectionId}.")]
    public static partial void PeerReset(ILogger logger, string proxy, string side, long connectionId);

    [LoggerMessage(EventId = 12, EventName = "ConnectionFailed", Level = LogLevel.Error,
        Message = "Proxy '{Proxy}': connection {ConnectionId} failed and was closed.")]
    public static partial void ConnectionFailed(ILogger logger, string proxy, long connectionId, Exception exception);

    [LoggerMessage(EventId = 13, EventName = "Hanging", Level = LogLevel.Debug,
        Message = "Proxy '{Proxy}': connection {ConnectionId} hangs until the client leaves.")]
    public static partial void Hanging(ILogger logger, string proxy, long connectionId);

    [LoggerMessage(EventId = 14, EventName = "ProtocolClosed", Level = LogLevel.Warning,
        Message = "Proxy '{Proxy}': connection {ConnectionId}, protocol '{Protocol}': {Reason}.")]
    public static partial void ProtocolClosed(ILogger logger, string proxy, long connectionId, string protocol, string reason);

    [LoggerMessage(EventId = 15, EventName = "IdleSweepFailed", Level = LogLevel.Error,
        Message = "Proxy '{Proxy}': closing an idle connection failed; the idle sweep goes on.")]
    public static partial void IdleSweepFailed(ILogger logger, string proxy, Exception exception);
}
