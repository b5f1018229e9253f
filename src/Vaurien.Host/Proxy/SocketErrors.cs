using System.Net.Sockets;

namespace Vaurien.Host.Proxy;

/// <summary>
/// Sorts socket failures the way Kestrel's socket transport does: a peer's reset and our own abort are part of a
/// proxy's life and are not errors; anything else is.
/// </summary>
internal static class SocketErrors
{
    public static TransportEnd Classify(Exception exception) => exception switch
    {
        ObjectDisposedException or OperationCanceledException => TransportEnd.Aborted,
        SocketException { SocketErrorCode: var code } when IsReset(code) => TransportEnd.Reset,
        SocketException { SocketErrorCode: var code } when IsAbort(code) => TransportEnd.Aborted,
        IOException { InnerException: SocketException inner } => Classify(inner),
        _ => TransportEnd.Failed,
    };

    private static bool IsReset(SocketError code) =>
        code is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.NotConnected or SocketError.TimedOut
            or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.NetworkReset
        || (code == SocketError.ConnectionAborted && OperatingSystem.IsWindows());

    // Closing a socket under a pending receive surfaces as one of these; InvalidArgument on Unix (Kestrel, same check).
    private static bool IsAbort(SocketError code) =>
        code is SocketError.OperationAborted or SocketError.Interrupted
        || (code == SocketError.ConnectionAborted && !OperatingSystem.IsWindows())
        || (code == SocketError.InvalidArgument && !OperatingSystem.IsWindows());
}
