using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;

namespace Vaurien.Host.Proxy;

/// <summary>
/// One socket of a connection seen as a pipe's two ends: a receive loop fills <see cref="Input"/> (a reader over the
/// loop's own pooled segments, <see cref="SocketInput"/>); <see cref="Output"/> sends straight from its own buffers when
/// the protocol flushes (<see cref="SocketOutput"/>). The protocol only ever sees the two ends.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Each receive first waits for data without a buffer, so an idle connection holds none: on the proxy's own
/// engine (<see cref="EpollEngine"/>, Linux x86-64) the wait is the socket's epoll event, elsewhere a zero-byte
/// receive on .NET's engine.</item>
/// <item>The input holds at most a few reads (its pause threshold): a side that does not read stops the receive loop
/// of the other socket, and TCP flow control does the rest. Memory stays bounded.</item>
/// <item>FIN received completes <see cref="Input"/>; the protocol completing <see cref="Output"/> sends FIN
/// (<c>Shutdown(Send)</c>) and leaves the other direction open: half-close is passed on.</item>
/// <item>Continuations run inline on the engine's thread (no thread-pool hop per read): the pass-through path
/// allocates nothing per chunk.</item>
/// </list>
/// </remarks>
internal sealed class SocketTransport : IDuplexPipe, IReadinessHandler
{
    // Each receive asks the input for at least this much room, so small reads share a segment rather than each taking
    // a whole one (Kestrel's MinAllocBufferSize).
    private const int MinimumReceiveSize = 2048;

    // Input thresholds in reads of the buffer option: enough to keep both sockets busy, little enough to stay bounded.
    private const int PauseReads = 4;
    private const int ResumeReads = 2;

    private readonly Socket _socket;
    private readonly ProxyConnection _connection;
    private readonly int _bufferSize;
    private readonly SocketInput _input;
    private readonly SocketOutput _output;
    private readonly EpollEngine? _engine;
    private SocketReadiness? _readiness;

    // Where this socket's reads may go straight to, in pass-through (see RelayDirectlyTo).
    private SocketTransport? _directPeer;

    // A read the engine made while the receive loop waited, that the loop goes on from (TryHandle).
    private HandedRead _handed;
    private CancellationTokenSource? _idleStop;
    private volatile bool _dropping;
    private volatile bool _keepOpen;

    public SocketTransport(Socket socket, string side, ProxyConnection connection, MemoryPool<byte> memory, int bufferSize, SocketSenderPool senders, EpollEngine? engine)
    {
        _socket = socket;
        _engine = engine;

        // Reads and sends that go at once are plain system calls (see ReceiveLoopAsync, SocketOutput); waits stay
        // asynchronous.
        if (engine is not null)
        {
            Epoll.SetNonBlocking(socket.SafeHandle);
        }
        else
        {
            _socket.Blocking = false;
        }

        Side = side;
        _connection = connection;
        _bufferSize = bufferSize;
        _input = new SocketInput(memory, bufferSize, bufferSize * PauseReads, bufferSize * ResumeReads);
        _output = new SocketOutput(this, memory, senders, bufferSize);
    }

    /// <summary>"client" or "backend", for logs.</summary>
    public string Side { get; }

    public Socket Socket => _socket;

    /// <summary>The socket's readiness on the proxy's own engine once started there; null where .NET's engine serves it.</summary>
    public SocketReadiness? Readiness => _readiness;

    /// <summary>What the peer sent. Read by the protocol.</summary>
    public PipeReader Input => _input;

    /// <summary>What goes to the peer. Written by the protocol; completing it sends FIN.</summary>
    public PipeWriter Output => _output;

    public Task Receiving { get; private set; } = Task.CompletedTask;

    /// <summary>Completes once the send side ended: what was flushed went out and the FIN followed, or it failed.</summary>
    public Task Sending => _output.Ended;

    public TransportEnd ReceiveEnd { get; private set; }

    public TransportEnd SendEnd => _output.End;

    /// <summary>True once the connection hangs: what arrives is dropped and nothing more is sent.</summary>
    public bool IsDropping => _dropping;

    /// <summary>True when the socket may serve another client: completing the output sends no FIN.</summary>
    public bool KeepsOpen => _keepOpen;

    /// <summary>
    /// Makes the socket reusable by another client: <see cref="StopReceiving"/> can then end the receive loop while it
    /// waits for data, without closing the socket, and completing <see cref="Output"/> sends no FIN.
    /// </summary>
    public void KeepOpen()
    {
        _keepOpen = true;
        _idleStop = new CancellationTokenSource();
    }

    public void Start()
    {
        if (_engine is not null)
        {
            try
            {
                var readiness = _engine.Register((int)_socket.Handle);
                readiness.ReadHandler = this;
                Volatile.Write(ref _readiness, readiness);

                // Stopped before it started (reuse_socket: the client already left): the first wait ends at once.
                if (_idleStop is { IsCancellationRequested: true })
                {
                    readiness.Readable.Cancel();
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closed under us: .NET's engine reports it the usual way in the loop below.
            }
        }

        Receiving = ReceiveLoopAsync();
    }

    /// <summary>
    /// The protocol passes this socket's reads on to <paramref name="peer"/> unchanged in pass-through
    /// (<see cref="Vaurien.ProtocolConnection.AllowDirectRelay"/>): on the proxy's engine, a read that finds the
    /// protocol waiting with nothing buffered and the peer's output idle is sent on at once, socket to socket.
    /// </summary>
    public void RelayDirectlyTo(SocketTransport peer) => _directPeer = peer;

    /// <summary>Ends the receive loop where it waits for data (see <see cref="KeepOpen"/>); the socket stays open.</summary>
    public void StopReceiving()
    {
        if (_idleStop is not null)
        {
            _idleStop.CancelAsync();
            Volatile.Read(ref _readiness)?.Readable.Cancel();
        }
    }

    /// <summary>The loops are over and the socket goes on to another connection: its events are no longer this transport's.</summary>
    public void Release() => _readiness?.Dispose();

    /// <summary>Stops relaying: what arrives is read and dropped, nothing more is sent (not even a FIN).</summary>
    public void Drop()
    {
        _dropping = true;

        // Out of a wait on a full input (its reader hangs), and out of a flush waiting on the socket.
        _input.CancelPendingFlush();
        _output.Drop();
    }

    /// <summary>Ends sending after what was already flushed: the FIN follows (unless <see cref="KeepOpen"/>).</summary>
    public void StopSending() => _output.Stop();

    /// <summary>Wakes the protocol out of a read of <see cref="Input"/> or a flush of <see cref="Output"/>.</summary>
    public void CancelProtocol()
    {
        _input.CancelPendingRead();
        _output.CancelPendingFlush();
    }

    /// <summary>The protocol is done: no more reads of <see cref="Input"/>, no more writes to <see cref="Output"/>.</summary>
    public void CompleteProtocol()
    {
        _input.Complete();
        _output.Complete();
    }

    /// <summary>Closes the socket: a FIN, or with <paramref name="reset"/> a RST (linger 0), as toxiproxy's reset_peer.</summary>
    public void Close(bool reset)
    {
        try
        {
            if (reset)
            {
                _socket.LingerState = new LingerOption(true, 0);
            }
            else
            {
                // Needed for a FIN: on Linux, .NET disposes a socket with a pending receive abortively (RST) unless
                // it was shut down first (Kestrel's SocketConnection does the same).
                _socket.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already reset or closed: nothing more to say to the peer.
        }

        _readiness?.DisposeBeforeClose();
        _socket.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var end = TransportEnd.Completed;
        Exception? error = null;
        try
        {
            // The last read filled its limit: in a bulk transfer the next may take more.
            var bulk = false;

            // The last read got less than it asked for, or found nothing: the socket had no more at that moment.
            var drained = true;
            var stale = false;
            while (true)
            {
                // 1. Wait for data without a buffer (Kestrel's WaitForDataAsync): an idle connection holds no memory.
                if (_readiness is not null)
                {
                    // On the proxy's engine an event comes only for what arrives after it: a read that got all it asked
                    // for may have left more, and past the peer's FIN (or an error) no event comes again. Both read at once.
                    if (stale || (drained && !_readiness.HungUp))
                    {
                        await _readiness.Readable.WaitAsync();
                    }
                }
                else if (!bulk)
                {
                    // After a read that filled its limit more is likely there: read again first.
                    await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, _idleStop?.Token ?? default);
                }

                int limit, received;
                SocketError status;
                bool relayed;
                var handed = _handed;
                if (handed.Pending)
                {
                    // The engine read for this loop while it waited (TryHandle), and the read still needs it.
                    _handed = default;
                    if (handed.Error is { } handedError)
                    {
                        ExceptionDispatchInfo.Throw(handedError);
                    }

                    (limit, received, status, drained, relayed) = (_bufferSize, handed.Received, handed.Status, handed.Drained, handed.Relayed);
                }
                else
                {
                    if (_dropping)
                    {
                        if (await DropAsync() == 0)
                        {
                            break;
                        }

                        // DropAsync waits for itself when nothing is there.
                        bulk = drained = stale = false;
                        continue;
                    }

                    // 2. Read what is there, up to the limit, straight into the input's memory, without waiting (the
                    // socket is non-blocking). A read takes at most one buffer; in a bulk transfer (the last read filled
                    // its limit), the room the input has left below its pause threshold: up to four buffers in one system
                    // call and one hand-off (iperf3 through tcp went from 0.8x to 1.0x haproxy's), and the input holds no
                    // more than with one-buffer reads. Exchanges stay at most one buffer each: protocols cut reads into
                    // exchanges.
                    limit = bulk ? Math.Max(_bufferSize, _input.RoomBeforePause) : _bufferSize;
                    received = ReceiveAndRelay(limit, out drained, out status, out relayed);
                }

                if (status == SocketError.WouldBlock)
                {
                    // Nothing there (on Linux a wait can end on a stale readiness event): the memory goes back.
                    _input.ReturnUnused();
                    bulk = false;
                    stale = true;
                    continue;
                }

                if (status != SocketError.Success)
                {
                    throw new SocketException((int)status);
                }

                if (received == 0)
                {
                    break;
                }

                bulk = received >= limit;
                stale = false;
                if (relayed)
                {
                    continue;
                }

                // 3. Hand it to the protocol (unless TryHandle did); this waits while the protocol leaves too much unread
                // (backpressure).
                if (Ends(await (handed.Flushed ? handed.Flush : _input.FlushAsync())))
                {
                    end = TransportEnd.Stopped;
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_idleStop is { IsCancellationRequested: true })
        {
            end = TransportEnd.Idle;
        }
        catch (Exception e)
        {
            end = SocketErrors.Classify(e);
            error = e;
        }

        ReceiveEnd = end;
        _connection.OnReceiveEnded(this, end, error);
        _input.CompleteWriting();
    }

    /// <summary>
    /// A readable event while the receive loop waits, on the engine's thread: where the loop would read, relay the read
    /// straight on or hand it to the protocol, and wait again, do it here and let the loop wait on, without resuming
    /// it and making its next wait (most of the proxy's own time per request through tcp). Anything else is handed to
    /// the loop to go on from.
    /// </summary>
    bool IReadinessHandler.TryHandle()
    {
        if (_dropping)
        {
            return false;
        }

        try
        {
            var received = ReceiveAndRelay(_bufferSize, out var drained, out var status, out var relayed);
            if (status == SocketError.WouldBlock)
            {
                // A stale event: the memory goes back, and the loop would wait again.
                _input.ReturnUnused();
                return true;
            }

            var handed = new HandedRead(received, status, drained, relayed, null);
            if (status == SocketError.Success && received > 0 && drained && !_readiness!.HungUp)
            {
                // The socket had no more (no FIN or error pending): sent whole, or given to the protocol (which runs
                // here, as it would in the loop's flush) without ending or waiting, the loop would wait again.
                if (relayed)
                {
                    return true;
                }

                var flush = _input.FlushAsync();
                if (flush.IsCompletedSuccessfully)
                {
                    // Its result is taken once: a flush that ends the loop is handed over as that result.
                    var result = flush.Result;
                    if (!Ends(result))
                    {
                        return true;
                    }

                    flush = new ValueTask<FlushResult>(result);
                }

                handed = handed with { Flushed = true, Flush = flush };
            }

            _handed = handed;
        }
        catch (Exception e)
        {
            _handed = new HandedRead(0, SocketError.Success, false, false, e);
        }

        return false;
    }

    // A flush of the input that ends the loop: the protocol is done reading, or it stopped without the connection hanging.
    private bool Ends(FlushResult flush) => flush.IsCompleted || (flush.IsCanceled && !_dropping);

    // Reads what is there, at most limit bytes, straight into the input's memory (no copy); drained when it got less
    // than the room it offered (the socket had no more). What it got is relayed straight on where it can be.
    private int ReceiveAndRelay(int limit, out bool drained, out SocketError status, out bool relayed)
    {
        var memory = _input.GetMemory(limit > _bufferSize ? limit : Math.Min(MinimumReceiveSize, _bufferSize));
        if (memory.Length > limit)
        {
            memory = memory[..limit];
        }

        var received = ReceiveNow(memory.Span, out status);
        drained = received < memory.Length;
        relayed = false;
        if (status == SocketError.Success && received > 0)
        {
            _input.Advance(received);
            _connection.Touch();

            // Straight on, in pass-through: what the protocol would copy as it is goes out without the pipes (no
            // hand-off, no copy, no flush). Anything it does not take goes the usual way, after what it sent.
            relayed = _directPeer is { } peer && TrySendDirectly(peer);
        }

        return received;
    }

    // Only on the engine, where both sockets' loops and the protocol run on one thread: nothing moves in between.
    private bool TrySendDirectly(SocketTransport peer)
    {
        if (_readiness is null || _dropping || !_connection.IsPassThrough || !peer._output.IsIdle)
        {
            return false;
        }

        var written = _input.WrittenAlone();
        if (written.IsEmpty)
        {
            return false;
        }

        int sent;
        SocketError status;
        try
        {
            sent = peer.SendNow(written.Span, out status);
        }
        catch (ObjectDisposedException)
        {
            // The other socket closed under us (the connection is ending): its output reports that, not this loop.
            return false;
        }

        if (status != SocketError.Success || sent == 0)
        {
            // Would block, or failed: the output's own send says so, in its turn.
            return false;
        }

        // No Touch for the send: the read just before it touched the same connection (a clock read per call).
        _input.DropWritten(sent);
        return sent == written.Length;
    }

    // On the proxy's engine the call itself, without .NET's layers around it (bench/RESULTS.md has what that bought).
    private int ReceiveNow(Span<byte> buffer, out SocketError status) => _readiness is not null
        ? Epoll.Receive(_socket.SafeHandle, buffer, out status)
        : _socket.Receive(buffer, SocketFlags.None, out status);

    private async ValueTask<int> DropAsync()
    {
        var scratch = ArrayPool<byte>.Shared.Rent(_bufferSize);
        try
        {
            if (_readiness is null)
            {
                return await _socket.ReceiveAsync(scratch.AsMemory(0, _bufferSize), SocketFlags.None);
            }

            while (true)
            {
                var received = ReceiveNow(scratch.AsSpan(0, _bufferSize), out var status);
                if (status == SocketError.Success)
                {
                    return received;
                }

                if (status != SocketError.WouldBlock)
                {
                    throw new SocketException((int)status);
                }

                await _readiness.Readable.WaitAsync();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>One send that does not wait: what the socket took, or <see cref="SocketError.WouldBlock"/>.</summary>
    internal int SendNow(ReadOnlySpan<byte> data, out SocketError status) => _readiness is not null
        ? Epoll.Send(_socket.SafeHandle, data, out status)
        : _socket.Send(data, SocketFlags.None, out status);

    /// <summary>The output sent something: the connection is not idle.</summary>
    internal void OnSent() => _connection.Touch();

    internal void OnSendFailed(TransportEnd end, Exception error) => _connection.OnSendFailed(this, end, error);
}
