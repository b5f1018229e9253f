using System.Collections.Concurrent;
using System.Net;
using Vaurien;

namespace My.Namespace.Tests;

/// <summary>A connection as the host describes it to behaviors: an id, two addresses and per-connection state.</summary>
internal sealed class FakeConnectionInfo : ConnectionInfo
{
    private readonly ConcurrentDictionary<object, object?> _items = new();

    public override long Id => 1;

    public override EndPoint? ClientEndPoint { get; } = new IPEndPoint(IPAddress.Loopback, 50000);

    public override EndPoint? BackendEndPoint { get; } = new IPEndPoint(IPAddress.Loopback, 6379);

    public override IDictionary<object, object?> Items => _items;
}
