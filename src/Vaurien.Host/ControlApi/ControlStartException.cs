using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Vaurien.Host.Configuration;

namespace Vaurien.Host.ControlApi;

/// <summary>
/// The control API could not start listening. The message is one sentence for the user
/// ("Cannot start the HTTP server on localhost:8080: the address is already in use."); the cause stays inside.
/// </summary>
internal sealed class ControlStartException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    public static ControlStartException ForBindFailure(HostPort listen, Exception exception)
    {
        var reason = (Exception?)exception;
        var text = exception.Message.TrimEnd('.');
        for (; reason is not null; reason = reason.InnerException)
        {
            if (reason is AddressInUseException)
            {
                text = "the address is already in use";
                break;
            }

            if (reason is SocketException socket)
            {
                text = socket.SocketErrorCode switch
                {
                    SocketError.AddressAlreadyInUse => "the address is already in use",
                    SocketError.AddressNotAvailable => "the address does not belong to this machine",
                    SocketError.AccessDenied when listen.Port is > 0 and < 1024 => "permission denied (ports below 1024 need privileges)",
                    SocketError.AccessDenied => "permission denied",
                    _ => socket.Message.TrimEnd('.'),
                };
                break;
            }
        }

        return new ControlStartException($"Cannot start the HTTP server on {listen}: {text}.", exception);
    }

    public static ControlStartException ForUnknownHost(HostPort listen, Exception? exception = null) =>
        new($"Cannot start the HTTP server on {listen}: the host name '{listen.Host}' could not be resolved.", exception);
}
