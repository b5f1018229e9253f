using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Vaurien.Host.Configuration;

namespace Vaurien.Host.Proxy;

/// <summary>
/// One running proxy: a listener, an accept loop, and a <see cref="ProxyConnection"/> per client. A fault on one
/// connection never reaches the accept loop or another connection. See README.md in this folder for the lifecycle.
/// </summary>
internal sealed class ProxyServer : IAsyncDisposable
{
    // A listener fault (out of file descriptors, say) is retried after this pause rather than in a tight loop.
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(100);

    // On shutdown, live connections get this long to pass their FIN on before their sockets are cut.
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(2);

    private readonly TimeProvider _time;
    private readonly IRandomFactory _randoms;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, Slot> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly BackendPool? _backendPool;
    private readonly IdleSweep? _idleSweep;
    private readonly SocketSenderPool _senders = new();
    private Socket? _listener;

    // The listener's registration when the proxy's own engine accepts (see AcceptLoopAsync).
    private SocketReadiness? _acceptReadiness;
    private Task _accepting = Task.CompletedTask;
    private int _disposed;

    public ProxyServer(ProxyDefinition definition, TimeProvider time, IRandomFactory randoms, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(randoms);
        ArgumentNullException.ThrowIfNull(loggers);
        Definition = definition;
        _time = time;
        _randoms = randoms;
        _logger = loggers.CreateLogger<ProxyServer>();
        if (definition.ProtocolOptions is ProtocolOptions { ReuseSocket: true })
        {
            _backendPool = new BackendPool(definition.Timeout, time);
        }

        if (!definition.StayConnected && definition.Timeout > TimeSpan.Zero)
        {
            _idleSweep = new IdleSweep(definition.Timeout, time, TimedConnections(), e => ProxyLog.IdleSweepFailed(_logger, Definition.Name, e));
        }
    }

    public ProxyDefinition Definition { get; }

    /// <summary>Where the proxy listens; with port 0 in the definition, the port the system picked.</summary>
    public IPEndPoint LocalEndPoint { get; private set; } = new(IPAddress.None, 0);

    /// <summary>The memory of every connection's input and output; its <see cref="ProxyMemoryPool.RentedBytes"/> is what the proxy buffers.</summary>
    public ProxyMemoryPool MemoryPool { get; } = new();

    /// <summary>Client connections accepted and not yet torn down.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Idle backend connections kept for reuse.</summary>
    public int PooledBackendCount => _backendPool?.Count ?? 0;

    /// <summary>Binds the listener and starts accepting.</summary>
    /// <exception cref="ProxyStartException">The address cannot be listened on; the message says why in one sentence.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_listener is not null)
        {
            throw new InvalidOperationException("The proxy is already started.");
        }

        var listen = Definition.Listen;
        IPAddress[] addresses;
        try
        {
            addresses = await HostResolver.ResolveAsync(listen.Host, cancellationToken);
        }
        catch (SocketException e)
        {
            throw ProxyStartException.ForUnknownHost(listen, e);
        }

        if (addresses.Length == 0)
        {
            throw ProxyStartException.ForUnknownHost(listen);
        }

        // IPv4 first (localhost is 127.0.0.1): one address, as Vaurien binds one.
        var address = addresses[0];
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // No SO_REUSEADDR/SO_REUSEPORT here: a second proxy on the same port must fail, not share it.
            // Windows needs the opposite made explicit.
            if (OperatingSystem.IsWindows())
            {
                listener.ExclusiveAddressUse = true;
            }

            listener.Bind(new IPEndPoint(address, listen.Port));
            listener.Listen(512);
            if (EpollEngine.IsEnabled)
            {
                Epoll.SetNonBlocking(listener.SafeHandle);
                _acceptReadiness = EpollEngine.Pick()!.Register((int)listener.Handle);
            }
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw ProxyStartException.ForBindFailure(listen, e);
        }

        _listener = listener;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        ProxyLog.Listening(_logger, Definition.Name, LocalEndPoint, Definition.State.Backend, Definition.Protocol.Name);
        // On the thread pool: no caller's synchronization context may follow the loops of every connection.
        _accepting = Task.Run(() => AcceptLoopAsync(listener), CancellationToken.None);
    }

    /// <summary>Stops listening, closes live connections (FIN, then cut after a short grace) and waits for them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();

        // Closing the listener raises no epoll event: its wait is ended here.
        _acceptReadiness?.Dispose();
        _listener?.Dispose();
        await _accepting;

        foreach (var slot in _connections.Values)
        {
            slot.Connection?.RequestClose(CloseKind.Graceful);
        }

        var all = Task.WhenAll(_connections.Values.Select(s => s.Task));
        try
        {
            await all.WaitAsync(ShutdownGrace, _time);
        }
        catch (TimeoutException)
        {
            foreach (var slot in _connections.Values)
            {
                slot.Connection?.Abort();
            }

            await all;
        }

        _backendPool?.Dispose();
        _idleSweep?.Dispose();
        _senders.Dispose();
        if (_listener is not null)
        {
            ProxyLog.Stopped(_logger, Definition.Name);
        }
    }

    private static void Configure(Socket socket, bool keepAlive)
    {
        // A proxy must not add Nagle's delay to what it forwards.
        socket.NoDelay = true;
        if (keepAlive)
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        }
    }

    private static string Describe(Exception exception) => exception switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => "unknown host",
        SocketException { SocketErrorCode: SocketError.HostUnreachable or SocketError.NetworkUnreachable } => "no route to host",
        SocketException { SocketErrorCode: SocketError.TimedOut } => "connect timed out",
        _ => exception.Message.TrimEnd('.'),
    };

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                if (_acceptReadiness is null)
                {
                    client = await listener.AcceptAsync(_stopping.Token);
                }
                else if (EpollEngine.TryAccept(listener, out var status) is { } accepted)
                {
                    client = accepted;
                }
                else if (status == SocketError.WouldBlock)
                {
                    // Edge-triggered: a wait only once nothing is pending. After a failure (out of descriptors, say) the
                    // connection stays pending and raises no new event, so the retry below accepts before it waits.
                    await _acceptReadiness.Readable.WaitAsync();
                    continue;
                }
                else
                {
                    throw new SocketException((int)status);
                }
            }
            catch (Exception e) when (_stopping.IsCancellationRequested || e is ObjectDisposedException)
            {
                break;
            }
            catch (Exception e)
            {
                ProxyLog.AcceptFailed(_logger, Definition.Name, e.Message);
                await Task.Delay(AcceptRetryDelay, _time, _stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            var id = ProxyConnection.NextId();
            var slot = new Slot();
            _connections[id] = slot;
            slot.Task = RunConnectionAsync(id, client, slot);
        }
    }

    private async Task RunConnectionAsync(long id, Socket client, Slot slot)
    {
        // Off the accept loop at once: nothing of one connection may delay the next accept. Not on the proxy's own
        // engine, where the accept loop and the connections share the engine's threads anyway: up to the connect's wait
        // this is a few system calls, and a hop to the thread pool (and back) would cost more than that.
        if (!EpollEngine.OnEngineThread)
        {
            await Task.Yield();
        }

        Socket? backend = null;
        try
        {
            var options = Definition.ProtocolOptions as ProtocolOptions;
            var keepAlive = options?.KeepAlive ?? false;
            Configure(client, keepAlive);

            // Read at accept time: a backend changed through the API applies to new connections.
            var target = Definition.State.Backend;
            backend = _backendPool?.TryTake(target);
            var reused = backend is not null;
            // The connection's sockets are served by one engine thread: the one its backend connect also waits on.
            var engine = EpollEngine.IsEnabled ? EpollEngine.Pick() : null;
            backend ??= await ConnectAsync(target, engine, id);
            if (backend is null)
            {
                client.Dispose();
                return;
            }

            Configure(backend, keepAlive);
            var connection = new ProxyConnection(id, Definition, client, backend, _randoms, _time, MemoryPool, _senders, engine, _idleSweep, _logger);
            slot.Connection = connection;
            if (_stopping.IsCancellationRequested)
            {
                // DisposeAsync may have looked at this slot before the connection was in it.
                connection.RequestClose(CloseKind.Graceful);
            }

            ProxyLog.ConnectionOpened(_logger, Definition.Name, id, connection.Info.ClientEndPoint, connection.Info.BackendEndPoint, reused);
            try
            {
                await connection.RelayAsync();
            }
            catch (Exception e)
            {
                connection.OnProtocolFailed(e);
            }

            var keep = await connection.TearDownAsync();
            if (keep is not null && (_stopping.IsCancellationRequested || !_backendPool!.TryAdd(keep, target)))
            {
                keep.Dispose();
            }
        }
        catch (Exception e)
        {
            // The last line of defence: one connection's fault ends that connection, never the listener.
            ProxyLog.ConnectionFailed(_logger, Definition.Name, id, e);
            client.Dispose();
            backend?.Dispose();
        }
        finally
        {
            _connections.TryRemove(id, out _);
        }
    }

    // What the idle sweep looks at on each tick: the dictionary itself, as its Values would copy every connection.
    private IEnumerable<ITimedConnection> TimedConnections()
    {
        foreach (var (_, slot) in _connections)
        {
            if (slot.Connection is { } connection)
            {
                yield return connection;
            }
        }
    }

    private async Task<Socket?> ConnectAsync(HostPort target, EpollEngine? engine, long id)
    {
        using var timeout = new CancellationTokenSource(Definition.Timeout > TimeSpan.Zero ? Definition.Timeout : Timeout.InfiniteTimeSpan, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token);
        string reason;
        try
        {
            var addresses = await HostResolver.ResolveAsync(target.Host, linked.Token);
            reason = "unknown host";
            foreach (var address in addresses)
            {
                Socket? socket = null;
                try
                {
                    var endPoint = new IPEndPoint(address, target.Port);
                    if (engine is not null)
                    {
                        return await engine.ConnectAsync(endPoint, linked.Token);
                    }

                    socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                    await socket.ConnectAsync(endPoint, linked.Token);
                    return socket;
                }
                catch (SocketException e)
                {
                    socket?.Dispose();
                    reason = Describe(e);
                }
                catch
                {
                    socket?.Dispose();
                    throw;
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down: not the backend's fault, nothing to warn about.
            return null;
        }
        catch (OperationCanceledException)
        {
            reason = $"no connection within {Definition.Timeout.TotalSeconds:0.###} s";
        }
        catch (SocketException e)
        {
            reason = Describe(e);
        }

        ProxyLog.BackendUnreachable(_logger, Definition.Name, target, reason, id);
        return null;
    }

    private sealed class Slot
    {
        public Task Task { get; set; } = Task.CompletedTask;

        public ProxyConnection? Connection
        {
            get => Volatile.Read(ref field);
            set => Volatile.Write(ref field, value);
        }
    }
}
