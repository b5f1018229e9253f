namespace Vaurien.Host.Proxy;

/// <summary>One socket's registration with an <see cref="EpollEngine"/>: a waiter for readable and one for writable.</summary>
internal sealed class SocketReadiness : IDisposable
{
    private readonly EpollEngine _engine;
    private int _disposed;
    private bool _hungUp;

    public SocketReadiness(EpollEngine engine, int fd, int slot, uint generation)
    {
        _engine = engine;
        Fd = fd;
        Slot = slot;
        Generation = generation;
    }

    public int Fd { get; }

    public int Slot { get; }

    public uint Generation { get; }

    /// <summary>Data, a FIN, or an error to read.</summary>
    public ReadinessWaiter Readable { get; } = new();

    /// <summary>Offered each readable event that finds <see cref="Readable"/>'s waiter waiting; set before the first wait.</summary>
    public IReadinessHandler? ReadHandler { get; set; }

    /// <summary>Room in the send buffer, or an error.</summary>
    public ReadinessWaiter Writable { get; } = new();

    /// <summary>
    /// True once the peer's FIN, a hang-up or an error was seen: from then on a read never waits, since no further edge
    /// would come. Edge-triggered events coalesce, so the FIN may come in the same event as the last data, and a read
    /// that took that data does not see it.
    /// </summary>
    public bool HungUp => Volatile.Read(ref _hungUp);

    /// <summary>Called on the engine's thread: an error or hang-up wakes both sides, whose next call reports it.</summary>
    public void OnEvents(uint events)
    {
        if ((events & (Epoll.ReadHangUp | Epoll.Error | Epoll.HangUp)) != 0)
        {
            Volatile.Write(ref _hungUp, true);
        }

        if ((events & (Epoll.In | Epoll.ReadHangUp | Epoll.Error | Epoll.HangUp)) != 0)
        {
            Readable.Signal(ReadHandler);
        }

        if ((events & (Epoll.Out | Epoll.Error | Epoll.HangUp)) != 0)
        {
            Writable.Signal();
        }
    }

    /// <summary>Unregisters, then fails the waits under way as a closed socket's operations fail.</summary>
    public void Dispose() => End(remove: true);

    /// <summary>
    /// As <see cref="Dispose"/>, for a socket closed right after: closing it takes it out of the epoll set, so the
    /// system call that would do it first is saved (an event that comes in between finds its slot released and is
    /// dropped, as one for any socket no longer registered).
    /// </summary>
    public void DisposeBeforeClose() => End(remove: false);

    private void End(bool remove)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _engine.Unregister(this, remove);
            Readable.Close();
            Writable.Close();
        }
    }
}
