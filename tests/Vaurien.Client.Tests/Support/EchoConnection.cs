using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Vaurien.Client.Tests.Support;

/// <summary>One client connection through the proxy to an <see cref="EchoBackend"/>: send bytes, read them back, timed.</summary>
internal sealed class EchoConnection : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private EchoConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<EchoConnection> OpenAsync(IPEndPoint proxy, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(proxy, cancellationToken);
            return new EchoConnection(client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="message"/>, reads as many bytes back, checks they are the same, and times it.</summary>
    public async Task<TimeSpan> RoundTripAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await _stream.WriteAsync(message, cancellationToken);
        var reply = new byte[message.Length];
        await _stream.ReadExactlyAsync(reply, cancellationToken);
        watch.Stop();
        if (!reply.AsSpan().SequenceEqual(message.Span))
        {
            throw new InvalidDataException("The echo came back different from what was sent.");
        }

        return watch.Elapsed;
    }

    public Task<TimeSpan> RoundTripAsync(CancellationToken cancellationToken) => RoundTripAsync("ping\n"u8.ToArray(), cancellationToken);

    public void Dispose() => _client.Dispose();
}
