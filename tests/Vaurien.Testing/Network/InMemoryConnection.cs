using System.Buffers;
using System.IO.Pipelines;
using Vaurien.Testing.Behaviors;

namespace Vaurien.Testing.Network;

/// <summary>
/// A connection made of in-memory pipes, for driving a protocol's framing without sockets or a server (fuzzing):
/// every exchange is forwarded (or, with <see cref="AnswerEvery"/>, answered) and counted.
/// </summary>
/// <param name="options">The protocol's options record.</param>
/// <param name="passThrough">What <see cref="IsPassThrough"/> answers.</param>
public sealed class InMemoryConnection(object options, bool passThrough) : ProtocolConnection
{
    private readonly Pipe _clientIn = new();
    private readonly Pipe _clientOut = new();
    private readonly Pipe _backendIn = new();
    private readonly Pipe _backendOut = new();
    private readonly List<Direction> _directRelays = [];
    private int _exchanges;

    /// <summary>What the client sends: write here.</summary>
    public PipeWriter FromClient => _clientIn.Writer;

    /// <summary>What the backend sends: write here.</summary>
    public PipeWriter FromBackend => _backendIn.Writer;

    /// <summary>What reaches the client: read here.</summary>
    public PipeReader ToClient => _clientOut.Reader;

    /// <summary>What reaches the backend: read here.</summary>
    public PipeReader ToBackend => _backendOut.Reader;

    /// <summary>Exchanges begun so far.</summary>
    public int Exchanges => Volatile.Read(ref _exchanges);

    /// <summary>The directions the protocol said it passes on as they are (<see cref="AllowDirectRelay"/>), in call order.</summary>
    public IReadOnlyList<Direction> DirectRelays
    {
        get
        {
            lock (_directRelays)
            {
                return [.. _directRelays];
            }
        }
    }

    /// <summary>When above 0, every so many exchanges is answered instead of forwarded.</summary>
    public int AnswerEvery { get; init; }

    public override IDuplexPipe Client => new Duplex(_clientIn.Reader, _clientOut.Writer);

    public override IDuplexPipe Backend => new Duplex(_backendIn.Reader, _backendOut.Writer);

    public override ConnectionInfo Info { get; } = new TestConnectionInfo();

    public override object? Options => options;

    public override CancellationToken Closed => CancellationToken.None;

    public override bool IsPassThrough => passThrough;

    public override ValueTask<Exchange> BeginExchangeAsync(Direction direction, ReadOnlySequence<byte> data, string? command = null)
    {
        var number = Interlocked.Increment(ref _exchanges);
        var outcome = AnswerEvery > 0 && number % AnswerEvery == 0 ? ExchangeOutcome.Answered : ExchangeOutcome.Forward;
        return ValueTask.FromResult<Exchange>(new Forwarded(outcome, data));
    }

    public override void AllowDirectRelay(Direction direction)
    {
        lock (_directRelays)
        {
            _directRelays.Add(direction);
        }
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }

    private sealed class Forwarded(ExchangeOutcome outcome, ReadOnlySequence<byte> data) : Exchange
    {
        public override ExchangeOutcome Outcome => outcome;

        public override ReadOnlySequence<byte> Data => data;

        public override ValueTask<ExchangeOutcome> CompleteAsync(ReadOnlySequence<byte> response = default) => ValueTask.FromResult(ExchangeOutcome.Forward);
    }
}
