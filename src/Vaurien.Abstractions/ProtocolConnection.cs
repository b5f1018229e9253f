using System.Buffers;
using System.IO.Pipelines;

namespace Vaurien;

/// <summary>What a protocol is given to relay one client connection: both pipes and the behavior hooks.</summary>
public abstract class ProtocolConnection
{
    /// <summary>The client side: read requests from <c>Input</c>, write responses to <c>Output</c>.</summary>
    public abstract IDuplexPipe Client { get; }

    /// <summary>The backend side: write requests to <c>Output</c>, read responses from <c>Input</c>.</summary>
    public abstract IDuplexPipe Backend { get; }

    /// <summary>The connection, for logs and per-connection state.</summary>
    public abstract ConnectionInfo Info { get; }

    /// <summary>The protocol's options for this proxy.</summary>
    public abstract object? Options { get; }

    /// <summary>Cancelled when the connection ends (closed by a behavior, the proxy, a timeout or either peer).</summary>
    public abstract CancellationToken Closed { get; }

    /// <summary>
    /// True when the active policy cannot act on an exchange (only <c>dummy</c> is set): the protocol may then
    /// forward bytes without framing them or calling <see cref="BeginExchangeAsync"/>. Read it per read: the policy
    /// can change at any time.
    /// </summary>
    public abstract bool IsPassThrough { get; }

    /// <summary>
    /// Says that this protocol passes <paramref name="direction"/>'s bytes on unchanged whenever
    /// <see cref="IsPassThrough"/> holds (tcp does). The host may then send them from socket to socket itself, without
    /// the pipes, while the protocol's read of that direction waits with nothing to do; whatever the host does not pass
    /// on this way (a read that finds anything still buffered or being sent, or one a behavior can act on) reaches the
    /// protocol as usual, in order. Call it once per direction, before copying it: tcp at the start, a framed protocol
    /// when it stops framing for good (an upgrade, STARTTLS); it holds for the rest of the connection. The default does
    /// nothing.
    /// </summary>
    /// <param name="direction">The direction whose bytes the protocol would copy as they are.</param>
    public virtual void AllowDirectRelay(Direction direction)
    {
    }

    /// <summary>
    /// Says why the protocol is about to end the connection on its own: bytes it cannot frame, a frame beyond its
    /// limit. The host writes it as one warning line naming the proxy and the connection; then return from
    /// <see cref="IProtocol.RunAsync"/> as usual. The default does nothing.
    /// </summary>
    /// <param name="reason">What was wrong, for the operator: which side, and which limit or rule.</param>
    public virtual void ReportClose(string reason)
    {
    }

    /// <summary>
    /// Starts an exchange: picks a behavior by the active policy and runs its <see cref="IBehavior.OnBeforeHandle"/>.
    /// The protocol then acts on <see cref="Exchange.Outcome"/> and, once the exchange is over, calls
    /// <see cref="Exchange.CompleteAsync"/>.
    /// </summary>
    /// <param name="direction">Which way <paramref name="data"/> travels.</param>
    /// <param name="data">The framed request (or, for tcp, what one read returned). Must stay valid until the call returns.</param>
    /// <param name="command">The command or method, where the protocol knows it.</param>
    public abstract ValueTask<Exchange> BeginExchangeAsync(Direction direction, ReadOnlySequence<byte> data, string? command = null);
}
