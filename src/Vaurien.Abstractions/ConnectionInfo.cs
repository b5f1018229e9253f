using System.Net;

namespace Vaurien;

/// <summary>One client connection through the proxy and its backend connection.</summary>
public abstract class ConnectionInfo
{
    /// <summary>A number unique to this connection within the process, for logs and per-connection state.</summary>
    public abstract long Id { get; }

    /// <summary>The client's address.</summary>
    public abstract EndPoint? ClientEndPoint { get; }

    /// <summary>The backend address this connection was opened to.</summary>
    public abstract EndPoint? BackendEndPoint { get; }

    /// <summary>
    /// State that lives as long as the connection. Behaviors are shared by all connections, so anything a
    /// behavior must remember per connection goes here, keyed by something the behavior owns. Safe to use from hooks
    /// running at the same time: a connection's two directions can each be in an exchange at once.
    /// </summary>
    public abstract IDictionary<object, object?> Items { get; }
}
