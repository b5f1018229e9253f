using System.Net;

namespace Vaurien.Host.Proxy;

/// <summary>What behaviors see of a connection: its id, both addresses and per-connection state.</summary>
internal sealed class ProxyConnectionInfo(long id, EndPoint? clientEndPoint, EndPoint? backendEndPoint) : ConnectionInfo
{
    private ItemBag? _items;

    public override long Id => id;

    public override EndPoint? ClientEndPoint => clientEndPoint;

    public override EndPoint? BackendEndPoint => backendEndPoint;

    // Both directions' behaviors may use it at once (ItemBag is thread-safe); made on first use, as most connections
    // never need it.
    public override IDictionary<object, object?> Items => Volatile.Read(ref _items) ?? CreateItems();

    private ItemBag CreateItems()
    {
        Interlocked.CompareExchange(ref _items, new ItemBag(), null);
        return _items;
    }
}
