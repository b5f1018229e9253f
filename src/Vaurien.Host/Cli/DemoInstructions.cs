using System.Net;

namespace Vaurien.Host.Cli;

/// <summary>What <c>vaurien demo</c> prints: where things are and what to try.</summary>
internal static class DemoInstructions
{
    public static void Write(TextWriter output, IPEndPoint proxy, IPEndPoint backend)
    {
        var url = $"http://{(proxy.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : proxy.Address)}:{proxy.Port}";
        output.WriteLine($"""
            Vaurien demo: an HTTP backend on http://{backend} and the chaos proxy in front of it on {url}.

            Try it from another terminal:
              curl -i {url}/              through the proxy
              curl -i http://{backend}/   straight to the backend

            Then restart the demo with chaos, for example:
              vaurien demo --behavior 50:delay --behavior-delay-sleep 1     half the requests wait a second
              vaurien demo --behavior 30:abort                              30% of connections are reset
              vaurien demo --behavior 100:hang                              every request hangs
            Run 'vaurien --help' for every behavior and option. Ctrl+C stops the demo.
            """);
        output.Flush();
    }
}
