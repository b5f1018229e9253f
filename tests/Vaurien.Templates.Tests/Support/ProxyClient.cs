using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vaurien.Templates.Tests.Support;

/// <summary>A client of the proxy: one connection, every read bounded by a deadline.</summary>
internal sealed class ProxyClient : IDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly TcpClient _client = new();
    private readonly Stopwatch _watch = new();

    private ProxyClient()
    {
    }

    /// <summary>Time since the last <see cref="SendAsync"/>.</summary>
    public TimeSpan SinceSent => _watch.Elapsed;

    public static async Task<ProxyClient> ConnectAsync(IPEndPoint proxy)
    {
        var client = new ProxyClient();
        using var cts = new CancellationTokenSource(Deadline);
        await client._client.ConnectAsync(proxy, cts.Token);
        return client;
    }

    public async Task SendAsync(string text)
    {
        using var cts = new CancellationTokenSource(Deadline);
        _watch.Restart();
        await _client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(text), cts.Token);
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes, or fewer if the proxy closes the connection first.</summary>
    public async Task<byte[]> ReceiveAsync(int length)
    {
        using var cts = new CancellationTokenSource(Deadline);
        var buffer = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = await _client.GetStream().ReadAsync(buffer.AsMemory(read), cts.Token);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return buffer[..read];
    }

    /// <summary>Reads <paramref name="count"/> lines (up to and including each <c>\n</c>), as text.</summary>
    public async Task<string> ReceiveLinesAsync(int count)
    {
        using var cts = new CancellationTokenSource(Deadline);
        var received = new List<byte>();
        var buffer = new byte[1];
        var lines = 0;
        while (lines < count)
        {
            var n = await _client.GetStream().ReadAsync(buffer, cts.Token);
            if (n == 0)
            {
                break;
            }

            received.Add(buffer[0]);
            lines += buffer[0] == (byte)'\n' ? 1 : 0;
        }

        return Encoding.ASCII.GetString([.. received]);
    }

    public void Dispose() => _client.Dispose();
}
