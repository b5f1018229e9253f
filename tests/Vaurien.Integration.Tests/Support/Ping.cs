using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Vaurien.Integration.Tests.Support;

/// <summary>One "ping\n" → "pong\n" round trip on a new connection, timed.</summary>
internal static class Ping
{
    private const int ErrorLength = 1000;

    public static async Task<TimeSpan> RoundTripAsync(IPEndPoint proxy, TimeSpan deadline)
    {
        using var cts = new CancellationTokenSource(deadline);
        using var client = new TcpClient();
        await client.ConnectAsync(proxy, cts.Token);
        var stream = client.GetStream();
        var watch = Stopwatch.StartNew();
        await stream.WriteAsync("ping\n"u8.ToArray(), cts.Token);
        var buffer = new byte[5];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cts.Token);
            if (n == 0)
            {
                throw new IOException($"Connection closed after {read} bytes.");
            }

            read += n;
        }

        watch.Stop();
        return watch.Elapsed;
    }

    /// <summary>
    /// One "ping\n" on a new connection; returns the reply: "pong\n", or the 1000 random bytes of the tcp protocol's
    /// error (in place of the request's answer or of the reply).
    /// </summary>
    public static async Task<byte[]> ExchangeAsync(IPEndPoint proxy, TimeSpan deadline)
    {
        using var cts = new CancellationTokenSource(deadline);
        using var client = new TcpClient();
        await client.ConnectAsync(proxy, cts.Token);
        var stream = client.GetStream();
        await stream.WriteAsync("ping\n"u8.ToArray(), cts.Token);
        var reply = new byte[ErrorLength];
        var read = 0;
        while (read < ErrorLength && !(read == 5 && reply.AsSpan(0, 5).SequenceEqual("pong\n"u8)))
        {
            var n = await stream.ReadAsync(reply.AsMemory(read), cts.Token);
            if (n == 0)
            {
                throw new IOException($"Connection closed after {read} bytes.");
            }

            read += n;
        }

        return reply[..read];
    }

    /// <summary>How many exchanges of a round trip were delayed by <paramref name="sleep"/> (0, 1 or 2).</summary>
    public static int DelayedExchanges(TimeSpan roundTrip, TimeSpan sleep) =>
        (int)Math.Floor((roundTrip.TotalSeconds + (sleep.TotalSeconds / 2)) / sleep.TotalSeconds);
}
