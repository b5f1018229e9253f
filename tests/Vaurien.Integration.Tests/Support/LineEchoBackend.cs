using System.Net.Sockets;
using System.Text;
using Vaurien.Testing.Network;

namespace Vaurien.Integration.Tests.Support;

/// <summary>
/// A TCP backend that answers each line with "pong\n": one small request and one small reply per connection, so each
/// round trip through a tcp proxy is exactly two exchanges (one each way).
/// </summary>
internal sealed class LineEchoBackend : IAsyncDisposable
{
    private readonly LoopbackServer _server = LoopbackServer.Start(PongAsync);

    public int Port => _server.EndPoint.Port;

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static async Task PongAsync(Socket socket, CancellationToken cancellationToken)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        while (await reader.ReadLineAsync(cancellationToken) is not null)
        {
            await stream.WriteAsync("pong\n"u8.ToArray(), cancellationToken);
        }
    }
}
