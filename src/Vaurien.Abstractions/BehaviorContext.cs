using System.Buffers;

namespace Vaurien;

/// <summary>
/// What a behavior sees of one exchange, and the actions it may take on it. A behavior never touches sockets:
/// every action goes through this context, so it works unchanged on every protocol.
/// </summary>
/// <remarks>
/// <code>
/// 1. the protocol frames a request (or, for tcp, one read in either direction)
/// 2. the policy picks a behavior for this exchange
/// 3. OnBeforeHandle: may DelayAsync, ReplyWithErrorAsync (the backend is skipped), ReplaceData,
///    Close (FIN), Reset (RST) or HangAsync; otherwise the data is forwarded
/// 4. the response is framed and forwarded to the client
/// 5. OnAfterHandle: may DelayAsync, Close or Reset
/// </code>
/// </remarks>
public abstract class BehaviorContext
{
    /// <summary>Which way the exchange's data travels.</summary>
    public abstract Direction Direction { get; }

    /// <summary>
    /// The exchange's data: the framed request in <see cref="IBehavior.OnBeforeHandle"/>, the framed response in
    /// <see cref="IBehavior.OnAfterHandle"/> where the protocol frames responses; for <c>tcp</c>, what one read returned.
    /// Valid only until the hook returns.
    /// </summary>
    public abstract ReadOnlySequence<byte> Data { get; }

    /// <summary>The command or method the protocol recognised (<c>GET</c>, <c>SET</c>, <c>COM_QUERY</c>), or null.</summary>
    public abstract string? Command { get; }

    /// <summary>
    /// How many exchanges this behavior has been given since it was set on the proxy, this one included,
    /// counted across all connections. Vaurien's <c>warmup</c> and <c>agitate</c> count with it.
    /// </summary>
    public abstract long CallNumber { get; }

    /// <summary>The behavior's options, as set by the command line, TOML or the control API. Read-only at run time.</summary>
    public abstract object? Options { get; }

    /// <summary>The connection this exchange belongs to.</summary>
    public abstract ConnectionInfo Connection { get; }

    /// <summary>The name of the protocol that frames the connection (<c>tcp</c>, <c>http</c>, <c>redis</c>...).</summary>
    public abstract string ProtocolName { get; }

    /// <summary>The clock every wait must use, so tests can drive time.</summary>
    public abstract TimeProvider Time { get; }

    /// <summary>The random source every choice must use, so a seeded run can be reproduced.</summary>
    public abstract Random Random { get; }

    /// <summary>Cancelled when the connection ends; every wait observes it.</summary>
    public abstract CancellationToken ConnectionClosed { get; }

    /// <summary>Waits <paramref name="delay"/> on <see cref="Time"/>, ending early (without throwing) when the connection closes.</summary>
    public abstract ValueTask DelayAsync(TimeSpan delay);

    /// <summary>
    /// Answers the client with the protocol's own kind of error (an HTTP 5xx, a RESP <c>-ERR</c>, a MySQL ERR packet;
    /// random bytes for <c>tcp</c>) instead of forwarding the data. Only in <see cref="IBehavior.OnBeforeHandle"/>.
    /// </summary>
    /// <param name="message">The error text, or null for the protocol's default.</param>
    public abstract ValueTask ReplyWithErrorAsync(string? message = null);

    /// <summary>Forwards <paramref name="data"/> instead of <see cref="Data"/>. Only in <see cref="IBehavior.OnBeforeHandle"/>.</summary>
    public abstract void ReplaceData(ReadOnlyMemory<byte> data);

    /// <summary>Closes both sides gracefully (FIN) without forwarding anything more.</summary>
    public abstract void Close();

    /// <summary>Closes both sides abortively (RST, linger 0): the client sees "connection reset by peer".</summary>
    public abstract void Reset();

    /// <summary>
    /// Stops all forwarding on the connection and holds it open, reading and dropping what the client sends, until
    /// the client goes away or the proxy's timeout ends it. Returns then.
    /// </summary>
    public abstract ValueTask HangAsync();
}
