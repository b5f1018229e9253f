using System.Net.Sockets;

namespace Vaurien.Testing.Network;

/// <summary>
/// What the whole process allocates per request while many clients make round trips through a proxy at once. This is
/// how a protocol's loop is held to allocating (almost) nothing per request: a loop that waits for the peer inside
/// per-request helpers holds a state machine per helper while it waits, and with many connections waiting at once the
/// pooled ones run out and every request allocates them.
/// </summary>
/// <remarks>
/// The clients allocate nothing per round trip themselves (one buffer each, sends and receives of memory on sockets
/// whose operations .NET caches), so what is counted is the proxy's, and whatever serves the other end in this
/// process: keep backends out of process or allocation-free.
/// </remarks>
public static class RoundTripAllocation
{
    /// <summary>Says whether <paramref name="received"/>, the bytes of one reply so far, is the whole reply.</summary>
    public delegate bool ReplyComplete(ReadOnlySpan<byte> received);

    /// <summary>
    /// Connects <paramref name="clients"/> clients, runs a warm-up round and <paramref name="rounds"/> measured ones of
    /// <paramref name="perClient"/> round trips on every client at once, and returns the fewest bytes allocated per
    /// round trip in a measured round. The count is process-wide and the test host allocates on its own now and then:
    /// the quietest round shows what the round trips cost, as a per-request cost shows in every round.
    /// </summary>
    /// <param name="connect">Connects one client, ready for its first request (greeting read, handshake done).</param>
    /// <param name="clients">How many clients wait at once.</param>
    /// <param name="request">What each client sends per round trip.</param>
    /// <param name="complete">Tells the end of one reply.</param>
    /// <param name="perClient">Round trips per client and round.</param>
    /// <param name="rounds">Measured rounds.</param>
    public static async Task<double> QuietestBytesPerRoundTripAsync(
        Func<Task<Socket>> connect, int clients, ReadOnlyMemory<byte> request, ReplyComplete complete, int perClient, int rounds = 3)
    {
        ArgumentNullException.ThrowIfNull(connect);
        ArgumentNullException.ThrowIfNull(complete);
        var sockets = new List<Socket>(clients);
        try
        {
            for (var i = 0; i < clients; i++)
            {
                sockets.Add(await connect());
            }

            var buffers = sockets.Select(_ => new byte[64 * 1024]).ToArray();
            var tasks = new Task[clients];
            var quietest = double.MaxValue;
            for (var round = 0; round <= rounds; round++)
            {
                using var deadline = new CancellationTokenSource(TestTimeouts.Network);
                var before = GC.GetTotalAllocatedBytes(precise: true);
                for (var i = 0; i < clients; i++)
                {
                    tasks[i] = RoundTripsAsync(sockets[i], request, complete, buffers[i], perClient, deadline.Token);
                }

                try
                {
                    await Task.WhenAll(tasks);
                }
                catch (OperationCanceledException e) when (deadline.IsCancellationRequested)
                {
                    throw new TimeoutException($"{clients} clients did not make {perClient} round trips each in time.", e);
                }

                var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                if (round > 0)
                {
                    quietest = Math.Min(quietest, (double)allocated / (clients * perClient));
                }
            }

            return quietest;
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private static async Task RoundTripsAsync(Socket socket, ReadOnlyMemory<byte> request, ReplyComplete complete, byte[] buffer, int count, CancellationToken token)
    {
        for (var i = 0; i < count; i++)
        {
            // A stream socket's SendAsync sends it all.
            await socket.SendAsync(request, SocketFlags.None, token);
            var received = 0;
            do
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, token);
                if (read == 0)
                {
                    throw new InvalidOperationException($"The connection ended after {i} round trips, in a reply of {received} bytes.");
                }

                received += read;
            }
            while (!complete(buffer.AsSpan(0, received)));
        }
    }
}
