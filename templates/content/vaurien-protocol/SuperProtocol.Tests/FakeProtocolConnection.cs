using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Vaurien;

namespace My.Namespace.Tests;

/// <summary>
/// A small stand-in for the host's <see cref="ProtocolConnection"/>: the client and the backend are in-memory pipes,
/// and a scripted <see cref="Policy"/> plays the behaviors. Every exchange the protocol starts is recorded.
/// </summary>
internal sealed class FakeProtocolConnection : ProtocolConnection
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly Pipe _fromClient = new();
    private readonly Pipe _toClient = new();
    private readonly Pipe _fromBackend = new();
    private readonly Pipe _toBackend = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly IProtocol _protocol;
    private readonly Lock _lock = new();
    private readonly List<(Direction Direction, string Data, string? Command)> _exchanges = [];

    public FakeProtocolConnection(IProtocol protocol, object? options = null)
    {
        _protocol = protocol;
        Options = options;
        Client = new DuplexPipe(_fromClient.Reader, _toClient.Writer);
        Backend = new DuplexPipe(_fromBackend.Reader, _toBackend.Writer);
    }

    public override IDuplexPipe Client { get; }

    public override IDuplexPipe Backend { get; }

    public override ConnectionInfo Info { get; } = new FakeConnectionInfo();

    public override object? Options { get; }

    public override CancellationToken Closed => _closed.Token;

    public override bool IsPassThrough => PassThrough;

    /// <summary>What <see cref="IsPassThrough"/> says: true as if only dummy were set.</summary>
    public bool PassThrough { get; set; }

    /// <summary>Plays the behaviors: what to do with each exchange, by direction and data. Forwards everything unless set.</summary>
    public Func<Direction, string, FakeAction> Policy { get; set; } = (_, _) => FakeAction.Forward;

    /// <summary>The message of the errors <see cref="FakeAction.ReplyWithError"/> asks for.</summary>
    public string? ErrorMessage { get; set; } = "boom";

    /// <summary>Every exchange started, in order: direction, data as text, command.</summary>
    public IReadOnlyList<(Direction Direction, string Data, string? Command)> Exchanges
    {
        get
        {
            lock (_lock)
            {
                return [.. _exchanges];
            }
        }
    }

    public override async ValueTask<Exchange> BeginExchangeAsync(Direction direction, ReadOnlySequence<byte> data, string? command = null)
    {
        var text = Encoding.UTF8.GetString(data);
        lock (_lock)
        {
            _exchanges.Add((direction, text, command));
        }

        var action = _closed.IsCancellationRequested ? FakeAction.Close : Policy(direction, text);
        switch (action)
        {
            case FakeAction.ReplyWithError:
                await _protocol.WriteErrorAsync(this, new FakeBehaviorContext(direction: direction, data: text), ErrorMessage);
                return new FakeExchange(ExchangeOutcome.Answered, data);
            case FakeAction.Close:
                // As the host does: the connection's token fires, and pending reads wake up.
                await _closed.CancelAsync();
                _fromClient.Reader.CancelPendingRead();
                _fromBackend.Reader.CancelPendingRead();
                return new FakeExchange(ExchangeOutcome.Stop, data);
            default:
                return new FakeExchange(ExchangeOutcome.Forward, data);
        }
    }

    /// <summary>The client sends <paramref name="text"/>.</summary>
    public ValueTask<FlushResult> SendFromClientAsync(string text) => _fromClient.Writer.WriteAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>The backend sends <paramref name="text"/>.</summary>
    public ValueTask<FlushResult> SendFromBackendAsync(string text) => _fromBackend.Writer.WriteAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>The client ends its stream (a FIN).</summary>
    public ValueTask EndClientAsync() => _fromClient.Writer.CompleteAsync();

    /// <summary>The backend ends its stream (a FIN).</summary>
    public ValueTask EndBackendAsync() => _fromBackend.Writer.CompleteAsync();

    /// <summary>What the client received: waits for <paramref name="length"/> bytes, or the end of its stream.</summary>
    public Task<(string Text, bool Ended)> ReceivedByClientAsync(int length) => ReadAsync(_toClient.Reader, length);

    /// <summary>What the backend received: waits for <paramref name="length"/> bytes, or the end of its stream.</summary>
    public Task<(string Text, bool Ended)> ReceivedByBackendAsync(int length) => ReadAsync(_toBackend.Reader, length);

    private static async Task<(string Text, bool Ended)> ReadAsync(PipeReader reader, int length)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        while (true)
        {
            var result = await reader.ReadAsync(timeout.Token);
            if (result.Buffer.Length >= length || result.IsCompleted)
            {
                var taken = result.Buffer.Slice(0, Math.Min(length, result.Buffer.Length));
                var text = Encoding.UTF8.GetString(taken);
                var ended = result.IsCompleted && taken.Length == result.Buffer.Length;
                reader.AdvanceTo(taken.End);
                return (text, ended);
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }

    private sealed class FakeExchange(ExchangeOutcome outcome, ReadOnlySequence<byte> data) : Exchange
    {
        public override ExchangeOutcome Outcome => outcome;

        public override ReadOnlySequence<byte> Data => data;

        public override ValueTask<ExchangeOutcome> CompleteAsync(ReadOnlySequence<byte> response = default) => ValueTask.FromResult(outcome);
    }
}
