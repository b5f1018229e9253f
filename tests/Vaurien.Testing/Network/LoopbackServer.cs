using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Vaurien.Testing.Network;

/// <summary>
/// A TCP server on 127.0.0.1 and a free port, running a handler per accepted connection: the backend of a proxy
/// under test. Disposing it stops listening, closes every connection and waits for the handlers.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<Socket, CancellationToken, Task> _handler;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Socket, Task> _connections = new();
    private readonly ConcurrentQueue<Exception> _faults = new();
    private Task _accepting = Task.CompletedTask;
    private int _accepted;

    private LoopbackServer(Func<Socket, CancellationToken, Task> handler)
    {
        _handler = handler;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
    }

    /// <summary>Where clients (the proxy) connect.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>How many connections were accepted so far.</summary>
    public int AcceptedCount => Volatile.Read(ref _accepted);

    /// <summary>How many handlers are still running.</summary>
    public int ActiveCount => _connections.Count;

    /// <summary>What the handlers threw, other than the cancellation of disposing.</summary>
    public IReadOnlyCollection<Exception> Faults => _faults;

    /// <summary>Starts a server running <paramref name="handler"/> for each connection; the socket is closed when it returns.</summary>
    public static LoopbackServer Start(Func<Socket, CancellationToken, Task> handler)
    {
        var server = Bind(handler);
        server.Listen();
        return server;
    }

    /// <summary>A server whose port is bound but not listening: connections are refused until <see cref="Listen"/>.</summary>
    public static LoopbackServer Bind(Func<Socket, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new LoopbackServer(handler);
    }

    /// <summary>A server that sends back what it receives and, at end of stream, sends FIN.</summary>
    public static LoopbackServer Echo() => Start(EchoAsync);

    /// <summary>The echo handler: what arrives goes back; FIN is answered with FIN.</summary>
    public static async Task EchoAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (received == 0)
            {
                socket.Shutdown(SocketShutdown.Send);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, received), SocketFlags.None, cancellationToken);
        }
    }

    /// <summary>Starts accepting.</summary>
    public void Listen()
    {
        _listener.Listen(128);
        _accepting = AcceptLoopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        await _accepting;
        foreach (var socket in _connections.Keys)
        {
            socket.Dispose();
        }

        await Task.WhenAll(_connections.Values);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            socket.NoDelay = true;
            Interlocked.Increment(ref _accepted);
            var handled = new TaskCompletionSource();
            _connections[socket] = handled.Task;
            _ = Task.Run(async () =>
            {
                try
                {
                    await _handler(socket, _stopping.Token);
                }
                catch (Exception e) when (!_stopping.IsCancellationRequested)
                {
                    _faults.Enqueue(e);
                }
                catch
                {
                    // Disposing: the handler's end is expected.
                }
                finally
                {
                    socket.Dispose();
                    _connections.TryRemove(socket, out _);
                    handled.SetResult();
                }
            });
        }
    }
}
