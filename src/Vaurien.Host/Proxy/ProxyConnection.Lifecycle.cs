using System.Net.Sockets;

namespace Vaurien.Host.Proxy;

/// <summary>The connection's life: run, react to what the sockets report, close, tear down. See README.md.</summary>
internal sealed partial class ProxyConnection
{
    // How long a closing connection may take to pass on what was forwarded, when a peer does not read.
    private TimeSpan DrainTimeout => _definition.Timeout > TimeSpan.Zero ? _definition.Timeout : TimeSpan.FromSeconds(30);

    /// <summary>
    /// Asks the connection to close. The first request decides how (a reset may still overtake a graceful close);
    /// whatever waits on the connection is woken: behaviors' waits, the protocol's reads and flushes, the sends under way.
    /// </summary>
    /// <param name="kind">FIN or RST.</param>
    /// <param name="keepBackend">True when the close comes from the client leaving: the backend may serve another client.</param>
    public void RequestClose(CloseKind kind, bool keepBackend = false)
    {
        if (!keepBackend)
        {
            _backendReusable = false;
        }

        var previous = (CloseKind)Interlocked.CompareExchange(ref _closeKind, (int)kind, (int)CloseKind.None);
        if (previous == CloseKind.None)
        {
            if (kind == CloseKind.Reset)
            {
                CutBoth();
            }

            // Not here: the caller may be a behavior in the middle of a hook, or a timer. On the proxy's engine, once
            // the caller's code has returned to it (no other thread to wake); elsewhere on the thread pool.
            EpollEngine.Defer(static connection => ((ProxyConnection)connection!).Wake(), this);
        }
        else if (kind == CloseKind.Reset && previous == CloseKind.Graceful &&
                 Interlocked.CompareExchange(ref _closeKind, (int)CloseKind.Reset, (int)CloseKind.Graceful) == (int)CloseKind.Graceful)
        {
            CutBoth();
        }
    }

    /// <summary>Cuts both sockets now, without waiting for queued data (server shutdown after its grace period).</summary>
    public void Abort()
    {
        _backendReusable = false;
        _client.Close(reset: false);
        _backend.Close(reset: false);
    }

    /// <summary>
    /// Starts relaying: the task is the protocol's, and <see cref="TearDownAsync"/> follows it, whatever its outcome
    /// (see <see cref="OnProtocolFailed"/>). Not async: an idle connection holds one state machine fewer.
    /// </summary>
    public Task RelayAsync()
    {
        Touch();
        _client.Start();
        _backend.Start();
        return Protocol.RunAsync(this);
    }

    /// <summary>The protocol threw (from <see cref="RelayAsync"/> or its task): logged, and the connection closes.</summary>
    public void OnProtocolFailed(Exception error)
    {
        ProxyLog.ProtocolFailed(_logger, _definition.Name, ProtocolName, Info.Id, error);
        RequestClose(CloseKind.Graceful);
    }

    internal void OnReceiveEnded(SocketTransport transport, TransportEnd end, Exception? error)
    {
        var isClient = transport == _client;
        if (isClient)
        {
            Interlocked.Exchange(ref _clientLeft, 1);
            Volatile.Read(ref _clientGone)?.TrySetResult();
        }
        else if (end != TransportEnd.Idle)
        {
            // The backend closed, failed, or sent data that nobody will read: not for another client.
            _backendReusable = false;
        }

        switch (end)
        {
            case TransportEnd.Completed when isClient && _reuseBackend:
                // The client left. With reuse the FIN is not passed on: the backend's input ends here instead, so
                // the protocol returns and the idle backend connection can serve the next client.
                _backend.StopReceiving();
                break;
            case TransportEnd.Reset:
                OnPeerReset(transport);
                break;
            case TransportEnd.Failed:
                OnUnexpectedError(transport, error!);
                break;
        }
    }

    internal void OnSendFailed(SocketTransport transport, TransportEnd end, Exception error)
    {
        if (transport == _backend)
        {
            _backendReusable = false;
        }

        switch (end)
        {
            case TransportEnd.Reset:
                OnPeerReset(transport);
                break;
            case TransportEnd.Failed:
                OnUnexpectedError(transport, error);
                break;
        }
    }

    private void OnPeerReset(SocketTransport transport)
    {
        ProxyLog.PeerReset(_logger, _definition.Name, transport.Side, Info.Id);
        if (transport == _client && _reuseBackend)
        {
            _backend.StopReceiving();
            RequestClose(CloseKind.Graceful, keepBackend: true);
        }
        else
        {
            // Passed on: the other peer sees a reset too, as it would without the proxy.
            RequestClose(CloseKind.Reset);
        }
    }

    private void OnUnexpectedError(SocketTransport transport, Exception error)
    {
        ProxyLog.SocketFailed(_logger, _definition.Name, transport.Side, Info.Id, error);
        RequestClose(CloseKind.Reset);
    }

    void ITimedConnection.OnIdle()
    {
        if (CloseKind == CloseKind.None)
        {
            ProxyLog.IdleTimeout(_logger, _definition.Name, Info.Id, _definition.Timeout);
            RequestClose(CloseKind.Graceful);
        }
    }

    private void CutBoth()
    {
        _backendReusable = false;
        _client.Close(reset: true);
        _backend.Close(reset: true);
    }

    private void Wake()
    {
        try
        {
            Volatile.Read(ref _closed)?.Cancel();
        }
        catch (AggregateException e)
        {
            // A behavior's callback on ConnectionClosed threw; it must not take the process down.
            ProxyLog.ConnectionFailed(_logger, _definition.Name, Info.Id, e);
        }

        _client.CancelProtocol();
        _backend.CancelProtocol();
        _client.StopSending();
        _backend.StopSending();
    }

    /// <summary>Tears the connection down once the protocol returned.</summary>
    /// <returns>The backend socket when it is idle and healthy and reuse is on, for the next client; otherwise null.</returns>
    public async Task<Socket?> TearDownAsync()
    {
        // 1. The protocol is done: wake whatever still waits, and close the protocol's ends of the pipes.
        RequestClose(CloseKind.Graceful, keepBackend: true);
        _client.CompleteProtocol();
        _backend.CompleteProtocol();

        // 2. What was already forwarded goes out, then the FIN. A peer that reads nothing is cut after the timeout.
        if (CloseKind != CloseKind.Reset)
        {
            try
            {
                await Task.WhenAll(_client.Sending, _backend.Sending).WaitAsync(DrainTimeout, _time);
            }
            catch (TimeoutException)
            {
                _backendReusable = false;
            }
        }

        // 3. An idle, healthy backend connection is kept for the next client; the rest is closed.
        var keep = await TryKeepBackendAsync();
        var reset = CloseKind == CloseKind.Reset;
        _client.Close(reset);
        if (!keep)
        {
            _backend.Close(reset);
        }

        // 4. Every loop has ended, so every buffer is back in the pool, before the connection is gone.
        await Task.WhenAll(_client.Receiving, _client.Sending, _backend.Receiving, _backend.Sending);
        if (keep)
        {
            _backend.Release();
        }

        ProxyLog.ConnectionClosed(_logger, _definition.Name, Info.Id, keep);
        return keep ? _backend.Socket : null;
    }

    private async Task<bool> TryKeepBackendAsync()
    {
        if (!_reuseBackend || !_backendReusable || CloseKind == CloseKind.Reset)
        {
            return false;
        }

        _backend.StopReceiving();
        await _backend.Receiving;
        if (!_backendReusable || _backend.ReceiveEnd != TransportEnd.Idle || _backend.SendEnd is not (TransportEnd.Completed or TransportEnd.Stopped))
        {
            return false;
        }

        return BackendPool.IsIdle(_backend.Socket);
    }
}
