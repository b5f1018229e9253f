using System.Buffers;

namespace Vaurien.Host.Proxy;

/// <summary>
/// An exchange under way, as the protocol sees it. Without a context it is a pass-through (dummy) exchange, or the
/// one stopped exchange every call gets once the connection is closing.
/// </summary>
internal sealed class ProxyExchange(ProxyConnection? connection, ReadOnlySequence<byte> data, ProxyExchangeContext? context = null) : Exchange
{
    /// <summary>What a closing connection answers to every new exchange.</summary>
    public static ProxyExchange Stopped { get; } = new(null, default);

    public override ExchangeOutcome Outcome => connection is null
        ? ExchangeOutcome.Stop
        : context?.Outcome ?? (connection.IsClosing ? ExchangeOutcome.Stop : ExchangeOutcome.Forward);

    public override ReadOnlySequence<byte> Data => context is null ? data : context.ForwardData;

    public override ValueTask<ExchangeOutcome> CompleteAsync(ReadOnlySequence<byte> response = default) =>
        context?.CompleteAsync(response) ?? new(Outcome);
}
