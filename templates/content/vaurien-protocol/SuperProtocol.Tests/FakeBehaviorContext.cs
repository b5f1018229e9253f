using System.Buffers;
using System.Text;
using Vaurien;

namespace My.Namespace.Tests;

/// <summary>
/// A small stand-in for the host's <see cref="BehaviorContext"/>: one exchange, and a record of what the behavior asked
/// for. Delays are recorded, not waited, so tests run at once; <see cref="CloseDuringDelays"/> makes the connection
/// end during a delay, as a client giving up would.
/// </summary>
internal sealed class FakeBehaviorContext : BehaviorContext
{
    private readonly CancellationTokenSource _closed = new();

    /// <param name="options">The behavior's options; null means its defaults.</param>
    /// <param name="direction">Which way the exchange's data travels.</param>
    /// <param name="data">The exchange's data, as text.</param>
    /// <param name="seed">Seeds <see cref="Random"/>, so a test is repeatable.</param>
    public FakeBehaviorContext(object? options = null, Direction direction = Direction.ToBackend, string data = "PING\r\n", int seed = 42)
    {
        Options = options;
        Direction = direction;
        Data = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(data));
        Random = new Random(seed);
    }

    public override Direction Direction { get; }

    public override ReadOnlySequence<byte> Data { get; }

    public override string? Command => null;

    public override long CallNumber => 1;

    public override object? Options { get; }

    public override ConnectionInfo Connection { get; } = new FakeConnectionInfo();

    public override string ProtocolName => "super";

    public override TimeProvider Time => TimeProvider.System;

    public override Random Random { get; }

    public override CancellationToken ConnectionClosed => _closed.Token;

    /// <summary>When true, the connection ends during the first delay.</summary>
    public bool CloseDuringDelays { get; init; }

    /// <summary>Every delay asked for, in order.</summary>
    public List<TimeSpan> Delays { get; } = [];

    /// <summary>Every error reply asked for, with its message (null for the protocol's default).</summary>
    public List<string?> Errors { get; } = [];

    public byte[]? ReplacedData { get; private set; }

    public bool WasClosed { get; private set; }

    public bool WasReset { get; private set; }

    public bool WasHung { get; private set; }

    public override ValueTask DelayAsync(TimeSpan delay)
    {
        Delays.Add(delay);
        if (CloseDuringDelays)
        {
            _closed.Cancel();
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask ReplyWithErrorAsync(string? message = null)
    {
        Errors.Add(message);
        return ValueTask.CompletedTask;
    }

    public override void ReplaceData(ReadOnlyMemory<byte> data) => ReplacedData = data.ToArray();

    public override void Close()
    {
        WasClosed = true;
        _closed.Cancel();
    }

    public override void Reset()
    {
        WasReset = true;
        _closed.Cancel();
    }

    public override ValueTask HangAsync()
    {
        WasHung = true;
        _closed.Cancel();
        return ValueTask.CompletedTask;
    }
}
