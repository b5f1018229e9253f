using System.Net.Sockets;

namespace Vaurien.Host.Proxy;

/// <summary>
/// A read made on the engine's thread for a receive loop that was waiting (<see cref="IReadinessHandler"/>), for the loop
/// to go on from: what the read got (or why it failed), whether it emptied the socket, and whether the direct relay
/// already sent it whole. The default is none.
/// </summary>
internal readonly record struct HandedRead(int Received, SocketError Status, bool Drained, bool Relayed, Exception? Error)
{
    /// <summary>False for the default: nothing handed.</summary>
    public bool Pending { get; init; } = true;
}
