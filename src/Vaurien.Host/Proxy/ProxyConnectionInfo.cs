using System.Collections.Concurrent;
using System.Net;

namespace Vaurien.Host.Proxy;

/// <summary>What behaviors see of a connection: its id, both addresses and per-connection state.</summary>
internal sealed class ProxyConnectionInfo(long id, EndPoint? clientEndPoint, EndPoint? backendEndPoint) : ConnectionInfo
{
    private ConcurrentDictionary<object, object?>? _items;

    public override long Id => id;

    public override EndPoint? ClientEndPoint => clientEndPoint;

    public override EndPoint? BackendEndPoint => backendEndPoint;

    // Both directions' behaviors may use it at once; made on first use, as most connections never need it.
    public override IDictionary<object, object?> Items => LazyInitializer.EnsureInitialized(ref _items);
}
