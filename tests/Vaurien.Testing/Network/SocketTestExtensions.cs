using System.Net;
using System.Net.Sockets;

namespace Vaurien.Testing.Network;

/// <summary>Client-side socket helpers for tests: every wait has a deadline, and a missed one throws <see cref="TimeoutException"/>.</summary>
public static class SocketTestExtensions
{
    /// <summary>Connects a new TCP socket to <paramref name="endPoint"/> (a loopback address).</summary>
    public static async Task<Socket> ConnectLoopbackAsync(IPEndPoint endPoint, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        if (!IPAddress.IsLoopback(endPoint.Address))
        {
            throw new ArgumentException($"Tests only connect to loopback addresses, not {endPoint}.", nameof(endPoint));
        }

        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var cts = new CancellationTokenSource(timeout ?? TestTimeouts.Network);
            await socket.ConnectAsync(endPoint, cts.Token);
            return socket;
        }
        catch (OperationCanceledException e)
        {
            socket.Dispose();
            throw new TimeoutException($"Could not connect to {endPoint} in time.", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends all of <paramref name="data"/>.</summary>
    public static async Task SendAllAsync(this Socket socket, ReadOnlyMemory<byte> data, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TestTimeouts.Network);
        try
        {
            while (!data.IsEmpty)
            {
                var sent = await socket.SendAsync(data, SocketFlags.None, cts.Token);
                data = data[sent..];
            }
        }
        catch (OperationCanceledException e) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException("Sending did not finish in time.", e);
        }
    }

    /// <summary>One receive into <paramref name="buffer"/>; 0 means the peer sent FIN.</summary>
    public static async Task<int> ReceiveOnceAsync(this Socket socket, Memory<byte> buffer, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TestTimeouts.Network);
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        }
        catch (OperationCanceledException e) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException("Nothing was received in time.", e);
        }
    }

    /// <summary>Receives exactly <paramref name="count"/> bytes; throws if the peer ends the stream first.</summary>
    public static async Task<byte[]> ReceiveExactlyAsync(this Socket socket, int count, TimeSpan? timeout = null)
    {
        var buffer = new byte[count];
        using var cts = new CancellationTokenSource(timeout ?? TestTimeouts.Network);
        var total = 0;
        try
        {
            while (total < count)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, cts.Token);
                if (received == 0)
                {
                    throw new EndOfStreamException($"The stream ended after {total} of {count} bytes.");
                }

                total += received;
            }
        }
        catch (OperationCanceledException e) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"Received {total} of {count} bytes in time.", e);
        }

        return buffer;
    }

    /// <summary>Receives until the peer sends FIN and returns everything received.</summary>
    public static async Task<byte[]> ReceiveToEndAsync(this Socket socket, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TestTimeouts.Network);
        using var all = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (received == 0)
                {
                    return all.ToArray();
                }

                all.Write(buffer, 0, received);
            }
        }
        catch (OperationCanceledException e) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"The stream did not end in time ({all.Length} bytes received).", e);
        }
    }

    /// <summary>
    /// Waits until the peer has closed: returns true for a FIN (end of stream) and false for a reset. Bytes still
    /// arriving are read and dropped.
    /// </summary>
    public static async Task<bool> WaitForCloseAsync(this Socket socket, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TestTimeouts.Network);
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return false;
        }
        catch (OperationCanceledException e) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException("The connection was not closed in time.", e);
        }
    }

    /// <summary>Closes with a reset (RST, linger 0) instead of a FIN.</summary>
    public static void CloseWithReset(this Socket socket)
    {
        socket.LingerState = new LingerOption(true, 0);
        socket.Dispose();
    }
}
