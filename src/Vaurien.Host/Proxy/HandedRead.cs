using System.IO.Pipelines;
using System.Net.Sockets;

namespace Vaurien.Host.Proxy;

/// <summary>
/// A read made on the engine's thread for a receive loop that was waiting (<see cref="IReadinessHandler"/>), for the loop
/// to go on from: what the read got (or why it failed), whether it emptied the socket, whether the direct relay already
/// sent it whole, and the flush that gave it to the protocol if one did (<see cref="Flushed"/>). The default is none.
/// </summary>
internal readonly record struct HandedRead(int Received, SocketError Status, bool Drained, bool Relayed, Exception? Error)
{
    /// <summary>False for the default: nothing handed.</summary>
    public bool Pending { get; init; } = true;

    /// <summary>The read went to the protocol: <see cref="Flush"/> is that flush, still to be awaited.</summary>
    public bool Flushed { get; init; }

    public ValueTask<FlushResult> Flush { get; init; }
}
