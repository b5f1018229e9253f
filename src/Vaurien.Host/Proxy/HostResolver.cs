using System.Net;
using System.Net.Sockets;

namespace Vaurien.Host.Proxy;

/// <summary>Turns a host name into the addresses to try, IPv4 first.</summary>
internal static class HostResolver
{
    public static async ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return [address];
        }

        // Not through DNS: "localhost" must mean loopback even where the resolver says otherwise, and IPv4 first
        // because that is where Vaurien's users (and most local servers) listen.
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return [IPAddress.Loopback, IPAddress.IPv6Loopback];
        }

        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        return [.. addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)];
    }
}
