using System.Collections.Concurrent;
using System.Net;

namespace Vaurien.Testing.Behaviors;

/// <summary>A connection for behavior tests: loopback addresses by default, and a real per-connection item bag.</summary>
public sealed class TestConnectionInfo(long id = 1, EndPoint? clientEndPoint = null, EndPoint? backendEndPoint = null) : ConnectionInfo
{
    public override long Id { get; } = id;

    public override EndPoint? ClientEndPoint { get; } = clientEndPoint ?? new IPEndPoint(IPAddress.Loopback, 50000);

    public override EndPoint? BackendEndPoint { get; } = backendEndPoint ?? new IPEndPoint(IPAddress.Loopback, 50001);

    public override IDictionary<object, object?> Items { get; } = new ConcurrentDictionary<object, object?>();
}
