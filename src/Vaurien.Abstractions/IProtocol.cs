namespace Vaurien;

/// <summary>
/// Owns the two byte streams of one client connection and its backend connection: cuts them into exchanges,
/// runs the behavior hooks around each (through <see cref="ProtocolConnection.BeginExchangeAsync"/>), and knows
/// how to write the backend's own kind of error. Export an implementation with <see cref="ExportProtocolAttribute"/>.
/// </summary>
/// <remarks>One instance serves every connection: keep per-connection state in locals or <see cref="ConnectionInfo.Items"/>.</remarks>
public interface IProtocol
{
    /// <summary>
    /// Relays the connection until either side ends it or an exchange stops it. Returning ends the connection;
    /// completing a pipe's writer passes the end of stream (FIN) on.
    /// </summary>
    Task RunAsync(ProtocolConnection connection);

    /// <summary>
    /// Writes the protocol's native error for <paramref name="exchange"/> to <see cref="ProtocolConnection.Client"/>
    /// and flushes it, keeping the session consistent where the protocol allows.
    /// </summary>
    /// <param name="connection">The connection the exchange belongs to.</param>
    /// <param name="exchange">The exchange being answered (its request, command and random source).</param>
    /// <param name="message">The error text a behavior asked for, or null for the protocol's default.</param>
    ValueTask WriteErrorAsync(ProtocolConnection connection, BehaviorContext exchange, string? message);
}
