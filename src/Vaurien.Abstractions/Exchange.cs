using System.Buffers;

namespace Vaurien;

/// <summary>One exchange under way, as returned by <see cref="ProtocolConnection.BeginExchangeAsync"/>.</summary>
public abstract class Exchange
{
    /// <summary>What the protocol must do with the exchange now.</summary>
    public abstract ExchangeOutcome Outcome { get; }

    /// <summary>The bytes to forward when <see cref="Outcome"/> is <see cref="ExchangeOutcome.Forward"/> (the data, or what a behavior put in its place).</summary>
    public abstract ReadOnlySequence<byte> Data { get; }

    /// <summary>
    /// Ends the exchange: runs the behavior's <see cref="IBehavior.OnAfterHandle"/> with <paramref name="response"/>
    /// (the framed response where the protocol has one). Returns the outcome after that hook:
    /// <see cref="ExchangeOutcome.Stop"/> if it closed the connection.
    /// </summary>
    public abstract ValueTask<ExchangeOutcome> CompleteAsync(ReadOnlySequence<byte> response = default);
}
