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

    // Both directions' behaviors may use it at once; made on first use, as most connections never need it, and
    // sized for the few entries a connection holds (the defaults cost ~700 bytes per connection).
    public override IDictionary<object, object?> Items => Volatile.Read(ref _items) ?? CreateItems();

    private ConcurrentDictionary<object, object?> CreateItems()
    {
        Interlocked.CompareExchange(ref _items, new ConcurrentDictionary<object, object?>(concurrencyLevel: 1, capacity: 2), null);
        return _items;
    }
}
