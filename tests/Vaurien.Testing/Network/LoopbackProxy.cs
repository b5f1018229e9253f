using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Vaurien.Host.Configuration;
using Vaurien.Host.Options;
using Vaurien.Host.Plugins;
using Vaurien.Host.Proxy;

namespace Vaurien.Testing.Network;

/// <summary>
/// The host's real proxy (listener, transports, behavior hooks) on 127.0.0.1 and a free port, in front of a
/// backend, set up directly: no plugin loader, no configuration. The behavior policy and the backend can be
/// changed while it runs, as through the control API.
/// </summary>
public sealed class LoopbackProxy : IAsyncDisposable
{
    private readonly ProxyServer _server;
    private readonly ProxyState _state;

    private LoopbackProxy(ProxyServer server, ProxyState state)
    {
        _server = server;
        _state = state;
    }

    /// <summary>Where clients connect.</summary>
    public IPEndPoint EndPoint => _server.LocalEndPoint;

    /// <summary>The bytes the proxy's pipes hold right now (its memory pool's rented bytes).</summary>
    public long BufferedBytes => _server.MemoryPool.RentedBytes;

    /// <summary>Client connections accepted and not yet torn down.</summary>
    public int ConnectionCount => _server.ConnectionCount;

    /// <summary>Idle backend connections kept for reuse (<c>reuse_socket</c>).</summary>
    public int PooledBackendCount => _server.PooledBackendCount;

    /// <summary>Starts a proxy relaying with <paramref name="protocol"/> to <paramref name="backend"/>, every exchange to a pass-through behavior.</summary>
    public static async Task<LoopbackProxy> StartAsync(IProtocol protocol, IPEndPoint backend, LoopbackProxyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(backend);
        options ??= new LoopbackProxyOptions();
        var protocolDescriptor = Describe(ExtensionKind.Protocol, "test-protocol", protocol);
        var state = new ProxyState("test", PolicyOf([]), ToHostPort(backend));
        var definition = new ProxyDefinition(
            new HostPort("127.0.0.1", 0),
            protocolDescriptor,
            options.ProtocolOptions ?? protocolDescriptor.Options.CreateDefault(),
            options.Timeout,
            options.StayConnected,
            state);
        var server = new ProxyServer(definition, options.Time, new RandomFactory(options.Seed), options.Loggers ?? NullLoggerFactory.Instance);
        try
        {
            await server.StartAsync(CancellationToken.None);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return new LoopbackProxy(server, state);
    }

    /// <summary>Gives every exchange from now on to <paramref name="behavior"/> (with <paramref name="options"/>, or its defaults).</summary>
    public void SetBehavior(IBehavior behavior, object? options = null) => SetPolicy((100, behavior, options));

    /// <summary>Sets the weighted policy (<c>20:delay,5:error</c>); the rest of 100 goes to a pass-through behavior.</summary>
    public void SetPolicy(params (int Percent, IBehavior Behavior, object? Options)[] entries) => _state.Policy = PolicyOf(entries);

    /// <summary>Only pass-through from now on: the fast path.</summary>
    public void ClearBehaviors() => _state.Policy = PolicyOf([]);

    /// <summary>New connections go to <paramref name="backend"/> from now on.</summary>
    public void SetBackend(IPEndPoint backend) => _state.Backend = ToHostPort(backend);

    /// <summary>Connects a client.</summary>
    public Task<Socket> ConnectAsync() => SocketTestExtensions.ConnectLoopbackAsync(EndPoint);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static HostPort ToHostPort(IPEndPoint endPoint) => new(endPoint.Address.ToString(), endPoint.Port);

    private static ExtensionDescriptor Describe(ExtensionKind kind, string name, object instance) =>
        new(kind, name, instance.GetType().FullName!, $"The {name} of a test.", instance, OptionSet.ForExtension(instance.GetType()), "tests");

    private static BehaviorPolicy PolicyOf(IReadOnlyList<(int Percent, IBehavior Behavior, object? Options)> entries)
    {
        var weights = new List<(int, BehaviorActivation)>();
        foreach (var (percent, behavior, options) in entries)
        {
            var descriptor = Describe(ExtensionKind.Behavior, behavior.GetType().Name, behavior);
            weights.Add((percent, new BehaviorActivation(descriptor, options ?? descriptor.Options.CreateDefault())));
        }

        var rest = BehaviorPolicy.Total - weights.Sum(w => w.Item1);
        if (rest > 0)
        {
            var dummy = Describe(ExtensionKind.Behavior, BuiltInNames.Dummy, new PassThrough());
            weights.Add((rest, new BehaviorActivation(dummy, new NoOptions())));
        }

        return new BehaviorPolicy(weights);
    }

    private sealed class PassThrough : IPassThroughBehavior
    {
        public ValueTask OnBeforeHandle(BehaviorContext context) => ValueTask.CompletedTask;

        public ValueTask OnAfterHandle(BehaviorContext context) => ValueTask.CompletedTask;
    }
}
