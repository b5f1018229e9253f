using System.Net.Sockets;
using Vaurien.Host.Configuration;

namespace Vaurien.Host.Proxy;

/// <summary>
/// Backend connections left idle and healthy by a client, kept for the next client when <c>reuse_socket</c> is on.
/// Bounded; a connection idle for longer than the proxy's timeout, or that the backend closed or wrote to meanwhile,
/// is closed instead of handed out.
/// </summary>
internal sealed class BackendPool : IDisposable
{
    /// <summary>How many idle backend connections one proxy keeps at most.</summary>
    public const int DefaultCapacity = 16;

    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];
    private readonly TimeProvider _time;
    private readonly TimeSpan _idleTimeout;
    private readonly int _capacity;
    private readonly ITimer _sweep;
    private bool _disposed;

    public BackendPool(TimeSpan idleTimeout, TimeProvider time, int capacity = DefaultCapacity)
    {
        _time = time;
        _idleTimeout = idleTimeout > TimeSpan.Zero ? idleTimeout : TimeSpan.FromSeconds(30);
        _capacity = capacity;
        _sweep = time.CreateTimer(static state => ((BackendPool)state!).Sweep(), this, _idleTimeout, _idleTimeout);
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>True when the socket is connected with nothing to read: no data, no FIN, no error waiting.</summary>
    public static bool IsIdle(Socket socket)
    {
        try
        {
            return socket.Connected && socket.Available == 0 && !socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Keeps <paramref name="socket"/>, connected to <paramref name="backend"/>; false (and the caller closes it) when full.</summary>
    public bool TryAdd(Socket socket, HostPort backend)
    {
        lock (_lock)
        {
            if (_disposed || _entries.Count >= _capacity)
            {
                return false;
            }

            _entries.Add(new Entry(socket, backend, _time.GetTimestamp()));
            return true;
        }
    }

    /// <summary>The most recently kept live connection to <paramref name="backend"/>, or null.</summary>
    public Socket? TryTake(HostPort backend)
    {
        List<Socket>? stale = null;
        Socket? found = null;
        lock (_lock)
        {
            for (var i = _entries.Count - 1; i >= 0 && found is null; i--)
            {
                var entry = _entries[i];
                if (entry.Backend != backend && !IsExpired(entry))
                {
                    continue;
                }

                _entries.RemoveAt(i);
                if (entry.Backend == backend && !IsExpired(entry) && IsIdle(entry.Socket))
                {
                    found = entry.Socket;
                }
                else
                {
                    (stale ??= []).Add(entry.Socket);
                }
            }
        }

        CloseAll(stale);
        return found;
    }

    public void Dispose()
    {
        List<Socket> all;
        lock (_lock)
        {
            _disposed = true;
            all = [.. _entries.Select(e => e.Socket)];
            _entries.Clear();
        }

        _sweep.Dispose();
        CloseAll(all);
    }

    private static void CloseAll(List<Socket>? sockets)
    {
        foreach (var socket in sockets ?? [])
        {
            socket.Dispose();
        }
    }

    private bool IsExpired(Entry entry) => _time.GetElapsedTime(entry.Since) >= _idleTimeout;

    private void Sweep()
    {
        List<Socket>? stale = null;
        lock (_lock)
        {
            for (var i = _entries.Count - 1; i >= 0; i--)
            {
                if (IsExpired(_entries[i]) || !IsIdle(_entries[i].Socket))
                {
                    (stale ??= []).Add(_entries[i].Socket);
                    _entries.RemoveAt(i);
                }
            }
        }

        CloseAll(stale);
    }

    private readonly record struct Entry(Socket Socket, HostPort Backend, long Since);
}
