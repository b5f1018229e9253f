using System.Net.Sockets;
using Vaurien.Host.Configuration;

namespace Vaurien.Host.Proxy;

/// <summary>
/// A proxy could not start listening. The message is one sentence for the user
/// ("Cannot listen on localhost:8000: the address is already in use."); the cause stays in the inner exception.
/// </summary>
internal sealed class ProxyStartException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    public static ProxyStartException ForBindFailure(HostPort listen, SocketException exception)
    {
        var reason = exception.SocketErrorCode switch
        {
            SocketError.AddressAlreadyInUse => "the address is already in use",
            SocketError.AddressNotAvailable => "the address does not belong to this machine",
            SocketError.AccessDenied when listen.Port is > 0 and < 1024 => "permission denied (ports below 1024 need privileges)",
            SocketError.AccessDenied => "permission denied",
            _ => exception.Message.TrimEnd('.'),
        };

        return new ProxyStartException($"Cannot listen on {listen}: {reason}.", exception);
    }

    public static ProxyStartException ForUnknownHost(HostPort listen, Exception? exception = null) =>
        new($"Cannot listen on {listen}: the host name '{listen.Host}' could not be resolved.", exception);
}
