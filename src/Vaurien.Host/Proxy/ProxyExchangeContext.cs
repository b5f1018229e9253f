using System.Buffers;

namespace Vaurien.Host.Proxy;

/// <summary>
/// One exchange as a behavior sees it, and the actions it may take. Each action decides the exchange's outcome:
/// <code>
/// ReplyWithErrorAsync  the protocol writes its error to the client       Answered (the data is not forwarded)
/// ReplaceData          other bytes go out instead                         Forward
/// Close                FIN to both peers                                  Stop
/// Reset                RST to both peers                                  Stop
/// HangAsync            nothing forwarded, client input dropped, until     Stop
///                      the client leaves or the connection is closed
/// (none)                                                                  Forward
/// </code>
/// </summary>
internal sealed class ProxyExchangeContext : BehaviorContext
{
    private const int BeforePhase = 0;
    private const int ForwardPhase = 1;
    private const int AfterPhase = 2;

    private readonly ProxyConnection _connection;
    private ReadOnlySequence<byte> _data;
    private ReadOnlySequence<byte> _forward;
    private ExchangeOutcome _outcome = ExchangeOutcome.Forward;
    private int _phase = BeforePhase;

    public ProxyExchangeContext(
        ProxyConnection connection,
        BehaviorActivation activation,
        Direction direction,
        ReadOnlySequence<byte> data,
        string? command,
        long callNumber)
    {
        _connection = connection;
        Activation = activation;
        Direction = direction;
        _data = data;
        _forward = data;
        Command = command;
        CallNumber = callNumber;
        Exchange = new ProxyExchange(connection, data, this);
    }

    public BehaviorActivation Activation { get; }

    /// <summary>The protocol's view of this exchange.</summary>
    public ProxyExchange Exchange { get; }

    public override Direction Direction { get; }

    public override ReadOnlySequence<byte> Data => _data;

    public override string? Command { get; }

    public override long CallNumber { get; }

    public override object? Options => Activation.Options;

    public override ConnectionInfo Connection => _connection.Info;

    public override string ProtocolName => _connection.ProtocolName;

    public override TimeProvider Time => _connection.Time;

    public override Random Random => _connection.Random;

    public override CancellationToken ConnectionClosed => _connection.Closed;

    public ExchangeOutcome Outcome => _connection.IsClosing ? ExchangeOutcome.Stop : _outcome;

    /// <summary>What to forward: the data, or what a behavior put in its place.</summary>
    public ReadOnlySequence<byte> ForwardData => _forward;

    public override ValueTask DelayAsync(TimeSpan delay) => _connection.DelayAsync(delay);

    public override async ValueTask ReplyWithErrorAsync(string? message = null)
    {
        ThrowUnlessBefore(nameof(ReplyWithErrorAsync));
        if (_connection.IsClosing)
        {
            return;
        }

        _outcome = ExchangeOutcome.Answered;
        await _connection.Protocol.WriteErrorAsync(_connection, this, message);
    }

    public override void ReplaceData(ReadOnlyMemory<byte> data)
    {
        ThrowUnlessBefore(nameof(ReplaceData));
        _forward = new ReadOnlySequence<byte>(data);
    }

    public override void Close()
    {
        _outcome = ExchangeOutcome.Stop;
        _connection.RequestClose(CloseKind.Graceful);
    }

    public override void Reset()
    {
        _outcome = ExchangeOutcome.Stop;
        _connection.RequestClose(CloseKind.Reset);
    }

    public override ValueTask HangAsync()
    {
        _outcome = ExchangeOutcome.Stop;
        return _connection.HangAsync();
    }

    /// <summary>OnBeforeHandle returned: the protocol forwards (or not) and then completes the exchange.</summary>
    internal void EndBefore() => _phase = ForwardPhase;

    internal async ValueTask<ExchangeOutcome> CompleteAsync(ReadOnlySequence<byte> response)
    {
        if (_phase != ForwardPhase)
        {
            throw new InvalidOperationException("The exchange is already complete.");
        }

        _phase = AfterPhase;
        _data = response;
        if (!_connection.IsClosing)
        {
            try
            {
                await Activation.Behavior.OnAfterHandle(this);
            }
            catch (Exception e)
            {
                _connection.OnBehaviorFailed(Activation, e);
            }
        }

        return Outcome;
    }

    private void ThrowUnlessBefore(string action)
    {
        if (_phase != BeforePhase)
        {
            throw new InvalidOperationException($"{action} is only allowed in OnBeforeHandle.");
        }
    }
}
