using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Vaurien.Host.Proxy;

/// <summary>
/// One client connection and its backend connection: what the protocol is given (<see cref="ProtocolConnection"/>),
/// the behavior hooks around each exchange, and the connection's lifecycle (README.md in this folder draws it).
/// </summary>
internal sealed partial class ProxyConnection : ProtocolConnection, ITimedConnection
{
    private static readonly ProtocolOptions DefaultOptions = new();

    private static long _lastId;

    private readonly ProxyDefinition _definition;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SocketTransport _client;
    private readonly SocketTransport _backend;
    private readonly IdleSweep? _idle;
    private long _lastActivity = IdleSweep.NotTimed;
    // Both made on first use (a hanging connection, a behavior's wait): an idle connection that only passes through
    // never needs them (~140 bytes).
    private CancellationTokenSource? _closed;
    private TaskCompletionSource? _clientGone;
    private int _clientLeft;
    private readonly IRandomFactory _randoms;
    private readonly bool _reuseBackend;
    private Random? _random;
    private volatile bool _backendReusable;
    private int _closeKind;
    private int _hung;

    public ProxyConnection(
        long id,
        ProxyDefinition definition,
        Socket client,
        Socket backend,
        IRandomFactory randoms,
        TimeProvider time,
        MemoryPool<byte> memory,
        SocketSenderPool senders,
        EpollEngine? engine,
        IdleSweep? idle,
        ILogger logger)
    {
        _definition = definition;
        _time = time;
        _logger = logger;
        _randoms = randoms;
        _idle = idle;
        var options = definition.ProtocolOptions as ProtocolOptions ?? DefaultOptions;
        // Both sockets on one engine thread (when the proxy's own engine serves them): a request and its answer are
        // handled there without a hand-off.
        _client = new SocketTransport(client, "client", this, memory, options.Buffer, senders, engine);
        _backend = new SocketTransport(backend, "backend", this, memory, options.Buffer, senders, engine);
        _reuseBackend = options.ReuseSocket;
        if (_reuseBackend)
        {
            _backend.KeepOpen();
            _backendReusable = true;
        }

        Info = new ProxyConnectionInfo(id, RemoteEndPointOf(client), RemoteEndPointOf(backend));
    }

    public override IDuplexPipe Client => _client;

    public override IDuplexPipe Backend => _backend;

    public override ConnectionInfo Info { get; }

    public override object? Options => _definition.ProtocolOptions;

    public override CancellationToken Closed => (Volatile.Read(ref _closed) ?? CreateClosed()).Token;

    // Read live on every read: a policy set through the API applies to connections already open.
    public override bool IsPassThrough => !IsClosing && _definition.State.Policy.IsPassThrough;

    public override void AllowDirectRelay(Direction direction)
    {
        if (direction == Direction.ToBackend)
        {
            _client.RelayDirectlyTo(_backend);
        }
        else
        {
            _backend.RelayDirectlyTo(_client);
        }
    }

    /// <summary>True once the connection is closing or hangs: exchanges stop, nothing more is forwarded.</summary>
    public bool IsClosing => Volatile.Read(ref _closeKind) != (int)CloseKind.None || Volatile.Read(ref _hung) != 0;

    public CloseKind CloseKind => (CloseKind)Volatile.Read(ref _closeKind);

    public IProtocol Protocol => _definition.Protocol.Protocol;

    public string ProtocolName => _definition.Protocol.Name;

    public TimeProvider Time => _time;

    ref long ITimedConnection.LastActivity => ref _lastActivity;

    // Made on first use: a connection that only ever passes through never picks (a random source is ~160 bytes).
    public Random Random => Volatile.Read(ref _random) ?? CreateRandom();

    private CancellationTokenSource CreateClosed()
    {
        var created = new CancellationTokenSource();
        var closed = Interlocked.CompareExchange(ref _closed, created, null) ?? created;
        if (closed == created && CloseKind != CloseKind.None)
        {
            // Made after Wake looked for it: it must be cancelled like the one Wake would have cancelled.
            closed.Cancel();
        }

        return closed;
    }

    // Completes once the client's receive loop ended (it left, or the connection closed under it).
    private Task ClientGone()
    {
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gone = Interlocked.CompareExchange(ref _clientGone, created, null) ?? created;
        if (Volatile.Read(ref _clientLeft) != 0)
        {
            gone.TrySetResult();
        }

        return gone.Task;
    }

    private Random CreateRandom()
    {
        Interlocked.CompareExchange(ref _random, _randoms.Create(Info.Id), null);
        return _random;
    }

    /// <summary>Bytes moved (a read or a send): the idle timeout starts again. One store, lock-free, allocation-free.</summary>
    internal void Touch() => _idle?.Touch(ref _lastActivity);

    /// <summary>A number no other connection of this process has.</summary>
    public static long NextId() => Interlocked.Increment(ref _lastId);

    public override void ReportClose(string reason) => ProxyLog.ProtocolClosed(_logger, _definition.Name, Info.Id, ProtocolName, reason);

    public override ValueTask<Exchange> BeginExchangeAsync(Direction direction, ReadOnlySequence<byte> data, string? command = null)
    {
        if (IsClosing)
        {
            return new(ProxyExchange.Stopped);
        }

        var activation = _definition.State.Policy.Pick(Random);
        var callNumber = activation.NextCall();
        if (activation.IsPassThrough)
        {
            // dummy: no context, no hooks.
            return new(new ProxyExchange(this, data));
        }

        return BeforeAsync(new ProxyExchangeContext(this, activation, direction, data, command, callNumber));
    }

    internal async ValueTask DelayAsync(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero || IsClosing)
        {
            return;
        }

        await Task.Delay(delay, _time, Closed).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    internal async ValueTask HangAsync()
    {
        if (Interlocked.Exchange(ref _hung, 1) == 0)
        {
            ProxyLog.Hanging(_logger, _definition.Name, Info.Id);
            _backendReusable = false;
            _client.Drop();
            _backend.Drop();
        }

        // Until the client goes away, or the idle timeout, the server or another behavior closes the connection.
        await ClientGone().WaitAsync(Closed).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        RequestClose(CloseKind.Graceful);
    }

    internal void OnBehaviorFailed(BehaviorActivation activation, Exception exception)
    {
        ProxyLog.BehaviorFailed(_logger, _definition.Name, activation.Name, Info.Id, $"{exception.GetType().Name}: {exception.Message}");
        RequestClose(CloseKind.Graceful);
    }

    private static EndPoint? RemoteEndPointOf(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Reset before we got here; the loops will find out.
            return null;
        }
    }

    private async ValueTask<Exchange> BeforeAsync(ProxyExchangeContext context)
    {
        try
        {
            await context.Activation.Behavior.OnBeforeHandle(context);
        }
        catch (Exception e)
        {
            OnBehaviorFailed(context.Activation, e);
        }

        context.EndBefore();
        return context.Exchange;
    }
}
