using System.Net;
using Vaurien.Testing.Network;

namespace Vaurien.Client.Tests.Support;

/// <summary>A TCP backend on 127.0.0.1 (a free port) that sends back every byte it reads, and counts its connections.</summary>
internal sealed class EchoBackend : IAsyncDisposable
{
    private readonly LoopbackServer _server = LoopbackServer.Echo();

    public IPEndPoint EndPoint => _server.EndPoint;

    /// <summary>The backend as the proxy's flags take it: <c>127.0.0.1:PORT</c>.</summary>
    public string Address => $"127.0.0.1:{EndPoint.Port}";

    public int Connections => _server.AcceptedCount;

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
