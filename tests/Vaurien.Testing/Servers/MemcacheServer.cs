using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Vaurien.Testing.Servers;

/// <summary>
/// A real memcached (from scripts/install-test-deps.sh) on 127.0.0.1 and a free port, TCP only, with a throwaway
/// directory; killed by its process id on dispose.
/// </summary>
public sealed class MemcacheServer : IAsyncLifetime
{
    private ServerProcess? _server;

    public IPEndPoint EndPoint => _server?.EndPoint ?? throw new InvalidOperationException("memcached is not started.");

    // memcached refuses to run as root without -u; it ignores -u otherwise.
    public async Task InitializeAsync() =>
        _server = await ServerProcess.StartAsync(
            "memcached",
            (port, _) => ["-p", port.ToString(), "-l", "127.0.0.1", "-U", "0", "-u", "root"],
            ready: AnswersVersionAsync);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static async Task<bool> AnswersVersionAsync(IPEndPoint endPoint)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await socket.ConnectAsync(endPoint, timeout.Token);
            await socket.SendAsync("version\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[64];
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, received).StartsWith("VERSION ", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
