using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Vaurien.Protocols.Framing;

namespace Vaurien.Protocols;

/// <summary>
/// One postgres connection's state shared by its two loops (requests to the backend, responses to the client) and
/// by <see cref="Postgres"/>'s error writer: who may write to the client, the last transaction status, and how many
/// ReadyForQuery messages the requests sent so far still await.
/// </summary>
internal sealed class PostgresSession
{
    private readonly Lock _lock = new();

    // Released (at most one pending) whenever the state below changes: the request loop waits on it.
    private readonly SemaphoreSlim _changed = new(0, 1);
    private long _expected;
    private long _received;
    private Exchange? _current;
    private long _currentTarget;
    private bool _ready;
    private bool _copying;
    private bool _ended;

    /// <summary>Taken by every writer of the client's output: the response loop and injected errors.</summary>
    public SemaphoreSlim ClientGate { get; } = new(1, 1);

    /// <summary>The client's output is finished (under <see cref="ClientGate"/>): nothing more may be written.</summary>
    public bool ClientOutputCompleted { get; set; }

    /// <summary>The transaction status of the backend's last ReadyForQuery ('I', 'T' or 'E').</summary>
    public byte TransactionStatus { get; private set; } = (byte)'I';

    /// <summary>The request being answered gets no ReadyForQuery (it ends with a Flush): an injected error neither.</summary>
    public bool AnswerWithoutReady { get; set; }

    /// <summary>The backend's first ReadyForQuery has gone by: authentication is over, requests are exchanges.</summary>
    public bool Ready
    {
        get
        {
            lock (_lock)
            {
                return _ready;
            }
        }
    }

    /// <summary>The backend asked for COPY data (CopyInResponse or CopyBothResponse) and has not yet been ready since.</summary>
    public bool Copying
    {
        get
        {
            lock (_lock)
            {
                return _copying;
            }
        }
    }

    /// <summary>A request went on whose answer ends with ReadyForQuery; <paramref name="exchange"/> completes on it.</summary>
    public void Sent(Exchange? exchange)
    {
        lock (_lock)
        {
            _expected++;
            if (exchange is not null)
            {
                _current = exchange;
                _currentTarget = _expected;
            }
        }
    }

    /// <summary>The backend sent CopyInResponse or CopyBothResponse: the client's next messages feed the COPY.</summary>
    public void CopyStarted()
    {
        lock (_lock)
        {
            _copying = true;
        }
    }

    /// <summary>The backend sent ReadyForQuery; returns the exchange it completes, if any.</summary>
    public Exchange? ReadyForQuery(byte status)
    {
        Exchange? completed = null;
        lock (_lock)
        {
            TransactionStatus = status is (byte)'I' or (byte)'T' or (byte)'E' ? status : TransactionStatus;
            _copying = false;
            if (!_ready)
            {
                // The end of authentication answers no request.
                _ready = true;
            }
            else if (_received < _expected)
            {
                // One unasked for (a confused backend) is relayed but answers nothing: the count never runs ahead.
                _received++;
                if (_current is not null && _received >= _currentTarget)
                {
                    completed = _current;
                }
            }
        }

        if (completed is null)
        {
            Signal();
        }

        return completed;
    }

    /// <summary>The exchange <see cref="ReadyForQuery"/> returned has run its after-hook.</summary>
    public void Completed()
    {
        lock (_lock)
        {
            _current = null;
        }

        Signal();
    }

    /// <summary>The backend is gone: nothing more will be answered.</summary>
    public void Ended()
    {
        lock (_lock)
        {
            _ended = true;
        }

        Signal();
    }

    /// <summary>
    /// Waits until every request sent so far is answered (its ReadyForQuery relayed, its exchange completed); false
    /// if the backend ended or the connection closed first.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> WaitAnsweredAsync(CancellationToken closed)
    {
        while (true)
        {
            lock (_lock)
            {
                if (_ended)
                {
                    return false;
                }

                if (_current is null && _received >= _expected)
                {
                    return true;
                }
            }

            try
            {
                await _changed.WaitAsync(closed);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="data"/> (may be empty) to the client under <see cref="ClientGate"/>, flushing with
    /// <paramref name="flush"/>; false once the client's output is finished or its reader gone.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> WriteToClientAsync(PipeWriter output, ReadOnlySequence<byte> data, bool flush)
    {
        await ClientGate.WaitAsync();
        try
        {
            if (ClientOutputCompleted)
            {
                return false;
            }

            Relay.Write(output, data);
            if (!flush)
            {
                return true;
            }

            var result = await output.FlushAsync();
            return !result.IsCompleted && !result.IsCanceled;
        }
        finally
        {
            ClientGate.Release();
        }
    }

    /// <summary>Ends the client's output (a FIN) after <paramref name="leftover"/>, under <see cref="ClientGate"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask CompleteClientAsync(PipeWriter output, ReadOnlyMemory<byte> leftover)
    {
        await ClientGate.WaitAsync();
        try
        {
            if (!ClientOutputCompleted)
            {
                ClientOutputCompleted = true;
                output.Write(leftover.Span);
                await output.FlushAsync();
                await output.CompleteAsync();
            }
        }
        finally
        {
            ClientGate.Release();
        }
    }

    private void Signal()
    {
        // Under the lock, two signals cannot both see a count of 0 and release past the maximum of one.
        lock (_lock)
        {
            if (_changed.CurrentCount == 0)
            {
                _changed.Release();
            }
        }
    }
}
