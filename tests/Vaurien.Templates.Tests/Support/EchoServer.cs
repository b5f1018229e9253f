using System.Net.Sockets;
using Vaurien.Testing.Network;

namespace Vaurien.Templates.Tests.Support;

/// <summary>A TCP echo server on 127.0.0.1 (a free port) that counts the bytes it was sent: the backend behind the proxy.</summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly LoopbackServer _server;
    private long _received;

    public EchoServer() => _server = LoopbackServer.Start(EchoCountingAsync);

    public int Port => _server.EndPoint.Port;

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>How many bytes reached the backend, over all connections.</summary>
    public long BytesReceived => Interlocked.Read(ref _received);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task EchoCountingAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
        {
            Interlocked.Add(ref _received, read);
            await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken);
        }
    }
}
