using System.Net;
using System.Net.Sockets;

namespace Vaurien.Client.Tests.Support;

/// <summary>Ports for tests that need a fixed one: a port free now, and one held busy.</summary>
internal static class FreePort
{
    /// <summary>A loopback port free at the time of the call (another process could take it before it is used).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A loopback port that stays taken while the listener lives.</summary>
    public static TcpListener Busy(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }

    /// <summary>True when nothing accepts connections at <paramref name="endPoint"/> any more.</summary>
    public static async Task<bool> IsClosedAsync(IPEndPoint endPoint)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await client.ConnectAsync(endPoint, timeout.Token);
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
