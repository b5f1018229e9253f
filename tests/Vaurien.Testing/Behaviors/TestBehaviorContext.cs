using System.Buffers;
using System.Text;
using Vaurien.Testing.Time;

namespace Vaurien.Testing.Behaviors;

/// <summary>
/// A recording <see cref="BehaviorContext"/> for behavior unit tests. Set up the exchange with the <c>Set*</c> methods
/// (they return the context, to chain), run a hook with <see cref="RunBeforeHandleAsync"/> /
/// <see cref="RunAfterHandleAsync"/>, then assert on what the behavior did.
/// </summary>
/// <remarks>
/// The actions keep the host's semantics: <see cref="DelayAsync"/> waits on <see cref="Time"/> (a
/// <see cref="ManualTimeProvider"/> unless set) and returns early, without throwing, when the connection ends;
/// <see cref="HangAsync"/> returns once the connection ends; <see cref="Close"/> and <see cref="Reset"/> end the connection;
/// <see cref="ReplyWithErrorAsync"/> and <see cref="ReplaceData"/> are refused in <see cref="IBehavior.OnAfterHandle"/>.
/// </remarks>
public sealed class TestBehaviorContext : BehaviorContext
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _connectionClosed = new();
    private readonly List<TimeSpan> _delaysRequested = [];
    private readonly List<TimeSpan> _delaysCompleted = [];
    private readonly List<string?> _errorReplies = [];
    private Direction _direction = Direction.ToBackend;
    private ReadOnlySequence<byte> _data = ReadOnlySequence<byte>.Empty;
    private string? _command;
    private long _callNumber = 1;
    private object? _options;
    private string _protocolName = "tcp";
    private TimeProvider _time;
    private Random _random;
    private ConnectionInfo _connection = new TestConnectionInfo();
    private byte[]? _replacedData;
    private bool _closed;
    private bool _reset;
    private bool _hung;
    private BehaviorHook _hook;

    /// <param name="options">The behavior's options; null means the behavior's defaults.</param>
    /// <param name="time">The clock; a new <see cref="ManualTimeProvider"/> when null.</param>
    /// <param name="random">The random source; <c>new Random(0)</c> when null.</param>
    public TestBehaviorContext(object? options = null, TimeProvider? time = null, Random? random = null)
    {
        _options = options;
        _time = time ?? new ManualTimeProvider();
        _random = random ?? new Random(0);
    }

    public override Direction Direction => _direction;

    public override ReadOnlySequence<byte> Data => _data;

    public override string? Command => _command;

    public override long CallNumber => _callNumber;

    public override object? Options => _options;

    public override ConnectionInfo Connection => _connection;

    public override string ProtocolName => _protocolName;

    public override TimeProvider Time => _time;

    public override Random Random => _random;

    public override CancellationToken ConnectionClosed => _connectionClosed.Token;

    /// <summary>The hook being run through <see cref="RunBeforeHandleAsync"/> or <see cref="RunAfterHandleAsync"/>.</summary>
    public BehaviorHook Hook => _hook;

    /// <summary>Every delay the behavior asked for, in order.</summary>
    public IReadOnlyList<TimeSpan> DelaysRequested => Snapshot(_delaysRequested);

    /// <summary>The delays that ran their full length (not ended early by the connection closing).</summary>
    public IReadOnlyList<TimeSpan> DelaysCompleted => Snapshot(_delaysCompleted);

    /// <summary>The error replies the behavior asked for, with their messages (null for the protocol's default).</summary>
    public IReadOnlyList<string?> ErrorReplies => Snapshot(_errorReplies);

    /// <summary>The data the behavior forwards instead of <see cref="Data"/> (a copy), or null if it did not replace it.</summary>
    public byte[]? ReplacedData
    {
        get
        {
            lock (_lock)
            {
                return _replacedData;
            }
        }
    }

    /// <summary>What the host would forward: the replaced data if any, otherwise <see cref="Data"/>.</summary>
    public ReadOnlySequence<byte> ForwardedData => ReplacedData is { } replaced ? new ReadOnlySequence<byte>(replaced) : _data;

    /// <summary>True once the behavior called <see cref="Close"/>.</summary>
    public bool WasClosed
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    /// <summary>True once the behavior called <see cref="Reset"/>.</summary>
    public bool WasReset
    {
        get
        {
            lock (_lock)
            {
                return _reset;
            }
        }
    }

    /// <summary>True once the behavior called <see cref="HangAsync"/>.</summary>
    public bool WasHung
    {
        get
        {
            lock (_lock)
            {
                return _hung;
            }
        }
    }

    /// <summary>True once the connection ended: the behavior closed, reset it, or the test called <see cref="EndConnection"/>.</summary>
    public bool IsConnectionClosed => _connectionClosed.IsCancellationRequested;

    /// <summary>What the host's protocol would do with the exchange now, as <see cref="Exchange.Outcome"/> says.</summary>
    public ExchangeOutcome Outcome
    {
        get
        {
            lock (_lock)
            {
                if (_closed || _reset || _hung)
                {
                    return ExchangeOutcome.Stop;
                }

                return _errorReplies.Count > 0 ? ExchangeOutcome.Answered : ExchangeOutcome.Forward;
            }
        }
    }

    public TestBehaviorContext SetDirection(Direction direction)
    {
        _direction = direction;
        return this;
    }

    public TestBehaviorContext SetData(ReadOnlySequence<byte> data)
    {
        _data = data;
        return this;
    }

    public TestBehaviorContext SetData(ReadOnlyMemory<byte> data) => SetData(new ReadOnlySequence<byte>(data));

    /// <summary>Sets the data to the UTF-8 bytes of <paramref name="text"/>.</summary>
    public TestBehaviorContext SetData(string text) => SetData(Encoding.UTF8.GetBytes(text).AsMemory());

    public TestBehaviorContext SetCommand(string? command)
    {
        _command = command;
        return this;
    }

    public TestBehaviorContext SetCallNumber(long callNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(callNumber, 1);
        _callNumber = callNumber;
        return this;
    }

    public TestBehaviorContext SetOptions(object? options)
    {
        _options = options;
        return this;
    }

    public TestBehaviorContext SetProtocolName(string protocolName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(protocolName);
        _protocolName = protocolName;
        return this;
    }

    public TestBehaviorContext SetTime(TimeProvider time)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        return this;
    }

    public TestBehaviorContext SetRandom(Random random)
    {
        _random = random ?? throw new ArgumentNullException(nameof(random));
        return this;
    }

    public TestBehaviorContext SetConnection(ConnectionInfo connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        return this;
    }

    /// <summary>Runs <paramref name="behavior"/>'s <see cref="IBehavior.OnBeforeHandle"/> on this context, as the host does.</summary>
    public Task RunBeforeHandleAsync(IBehavior behavior) => RunAsync(behavior, BehaviorHook.BeforeHandle);

    /// <summary>Runs <paramref name="behavior"/>'s <see cref="IBehavior.OnAfterHandle"/> on this context, as the host does.</summary>
    public Task RunAfterHandleAsync(IBehavior behavior) => RunAsync(behavior, BehaviorHook.AfterHandle);

    /// <summary>Ends the connection as a client going away (or the proxy's timeout) would: pending waits return.</summary>
    public void EndConnection() => _connectionClosed.Cancel();

    public override async ValueTask DelayAsync(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        lock (_lock)
        {
            _delaysRequested.Add(delay);
        }

        try
        {
            await Task.Delay(delay, _time, _connectionClosed.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_connectionClosed.IsCancellationRequested)
        {
            return;
        }

        lock (_lock)
        {
            _delaysCompleted.Add(delay);
        }
    }

    public override ValueTask ReplyWithErrorAsync(string? message = null)
    {
        RefuseAfterHandle(nameof(ReplyWithErrorAsync));
        lock (_lock)
        {
            _errorReplies.Add(message);
        }

        return ValueTask.CompletedTask;
    }

    public override void ReplaceData(ReadOnlyMemory<byte> data)
    {
        RefuseAfterHandle(nameof(ReplaceData));
        lock (_lock)
        {
            _replacedData = data.ToArray();
        }
    }

    public override void Close()
    {
        lock (_lock)
        {
            _closed = true;
        }

        _connectionClosed.Cancel();
    }

    public override void Reset()
    {
        lock (_lock)
        {
            _reset = true;
        }

        _connectionClosed.Cancel();
    }

    public override async ValueTask HangAsync()
    {
        lock (_lock)
        {
            _hung = true;
        }

        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (_connectionClosed.Token.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), ended))
        {
            await ended.Task.ConfigureAwait(false);
        }
    }

    private async Task RunAsync(IBehavior behavior, BehaviorHook hook)
    {
        ArgumentNullException.ThrowIfNull(behavior);
        _hook = hook;
        try
        {
            if (hook == BehaviorHook.BeforeHandle)
            {
                await behavior.OnBeforeHandle(this).ConfigureAwait(false);
            }
            else
            {
                await behavior.OnAfterHandle(this).ConfigureAwait(false);
            }
        }
        finally
        {
            _hook = BehaviorHook.None;
        }
    }

    private void RefuseAfterHandle(string action)
    {
        if (_hook == BehaviorHook.AfterHandle)
        {
            throw new InvalidOperationException($"{action} is only allowed in OnBeforeHandle: the exchange was already forwarded.");
        }
    }

    private List<T> Snapshot<T>(List<T> list)
    {
        lock (_lock)
        {
            return [.. list];
        }
    }
}
