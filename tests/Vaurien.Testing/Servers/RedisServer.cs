using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Vaurien.Testing.Servers;

/// <summary>
/// A real redis-server (from scripts/install-test-deps.sh) on 127.0.0.1 and a free port, with a throwaway directory
/// and no persistence; killed by its process id on dispose.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private ServerProcess? _server;

    public IPEndPoint EndPoint => _server?.EndPoint ?? throw new InvalidOperationException("redis-server is not started.");

    public async Task InitializeAsync() =>
        _server = await ServerProcess.StartAsync(
            "redis-server",
            (port, directory) => ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory],
            ready: PingsAsync);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static async Task<bool> PingsAsync(IPEndPoint endPoint)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 1000, SendTimeout = 1000 };
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await socket.ConnectAsync(endPoint, timeout.Token);
            await socket.SendAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[16];
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, received) == "+PONG\r\n";
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
