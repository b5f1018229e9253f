using System.Net;

namespace Vaurien.Host.Cli;

/// <summary>What <c>vaurien demo</c> prints: where things are and what to try.</summary>
internal static class DemoInstructions
{
    public static void Write(TextWriter output, IPEndPoint proxy, IPEndPoint backend, Uri? control)
    {
        var url = $"http://{(proxy.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : proxy.Address)}:{proxy.Port}";
        output.WriteLine($"Vaurien demo: an HTTP backend on http://{backend} and the chaos proxy in front of it on {url}.");
        output.WriteLine();
        output.WriteLine("Try it from another terminal:");
        output.WriteLine($"  curl -i {url}/              through the proxy");
        output.WriteLine($"  curl -i http://{backend}/   straight to the backend");
        output.WriteLine();
        if (control is not null)
        {
            var host = control.GetLeftPart(UriPartial.Authority);
            output.WriteLine($"Change the behavior live through the control API on {host}:");
            output.WriteLine($"  vaurienctl --host {host} list-behaviors");
            output.WriteLine($"  vaurienctl --host {host} set-behavior delay --option sleep=1");
            output.WriteLine($"  vaurienctl --host {host} set-behavior error                  the http protocol answers a 5xx");
            output.WriteLine($"  curl -X PUT -d '{{\"name\": \"abort\"}}' {host}/behavior");
            output.WriteLine($"  vaurienctl --host {host} set-behavior dummy");
            output.WriteLine();
        }

        output.WriteLine("Or restart the demo with a policy, for example:");
        output.WriteLine("  vaurien demo --behavior 50:delay --behavior-delay-sleep 1     half the exchanges wait a second");
        output.WriteLine("  vaurien demo --behavior 30:abort                              30% of exchanges reset the connection");
        output.WriteLine("Run 'vaurien --help' for every behavior and option. Ctrl+C stops the demo.");
        output.Flush();
    }
}
