using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Vaurien.Host.Proxy;

/// <summary>
/// The proxy's own socket engine on Linux: one thread per core, each waiting on its own epoll set, every socket
/// registered once (edge-triggered, in and out) and its events handed to its <see cref="SocketReadiness"/>, whose
/// waiters' continuations run right there, on the engine's thread.
/// </summary>
/// <remarks>
/// .NET's engine waits for data with a zero-byte receive: a system call that finds nothing, then an operation queued
/// until epoll says there is something, and its completion. Here readiness is the epoll event itself, and the only
/// receive is the one that reads (bench/RESULTS.md has what that bought). A connection's two sockets share an engine, so
/// a request and its answer stay on one thread. A socket is never watched by both engines: .NET's would wake for every
/// event too, so connects and sends that wait go through here as well.
/// </remarks>
internal sealed class EpollEngine
{
    /// <summary>Set to <c>dotnet</c> to leave every socket to .NET's own engine.</summary>
    public const string EngineVariable = "VAURIEN_SOCKET_ENGINE";

    private const int MaxEvents = 256;

    private static readonly Lazy<EpollEngine[]?> Engines = new(Start);
    private static int s_next;

    [ThreadStatic]
    private static EpollEngine? t_current;

    private readonly int _epoll;
    private readonly Lock _lock = new();
    private readonly Stack<int> _free = new();

    // Work the engine's own thread deferred (TryDefer): only that thread adds and takes, so no lock.
    private readonly Queue<(Action<object?> Work, object? State)> _deferred = new();
    private SocketReadiness?[] _slots = new SocketReadiness?[64];
    private int _used;
    private uint _generation;

    private EpollEngine(int epoll)
    {
        _epoll = epoll;
    }

    /// <summary>True when proxies serve their connections' sockets here (the platform has epoll, and the variable does not say otherwise).</summary>
    public static bool IsEnabled { get; } = Epoll.IsSupported
        && !string.Equals(Environment.GetEnvironmentVariable(EngineVariable), "dotnet", StringComparison.OrdinalIgnoreCase);

    /// <summary>True on an engine's own thread: a thread that serves connections for the life of the process.</summary>
    public static bool OnEngineThread => t_current is not null;

    /// <summary>An engine (round robin; the threads start with the first call), or null where epoll is not supported.</summary>
    public static EpollEngine? Pick()
    {
        var engines = Engines.Value;
        return engines is null ? null : engines[(int)((uint)Interlocked.Increment(ref s_next) % (uint)engines.Length)];
    }

    /// <summary>
    /// Connects without .NET's engine: a socket that .NET connected asynchronously stays registered with .NET's epoll
    /// for its whole life, and that engine's thread would wake for every event of the socket as well. The socket is
    /// made here (non-blocking from the start) and handed to .NET once connected: .NET's own non-blocking connect says
    /// "in progress" with an exception, one per backend connection. The wait ends on this engine's thread, where the
    /// connection's sockets are then best registered too: the first waits of their loops are made where their events
    /// come, so none races an event from another thread (which hands its continuation to the thread pool).
    /// </summary>
    public async Task<Socket> ConnectAsync(IPEndPoint endPoint, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var address = endPoint.Serialize();
        var native = address.Buffer[..address.Size];

        // The serialized address is the native sockaddr: its family field is the system's own (AF_INET6 is 10 here).
        var fd = Epoll.OpenSocket(BinaryPrimitives.ReadUInt16LittleEndian(native.Span), Epoll.StreamNonBlocking, 0);
        if (fd < 0)
        {
            throw Epoll.Failure(Marshal.GetLastPInvokeError());
        }

        var handle = new SafeSocketHandle(fd, ownsHandle: true);
        try
        {
            if (Epoll.Connect(fd, native.Span, native.Length) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != Epoll.InProgress)
                {
                    throw Epoll.Failure(errno);
                }

                await WaitWritableAsync(fd, cancellation);
                var length = sizeof(int);
                if (Epoll.GetSocketOption(fd, Epoll.SocketLevel, Epoll.ErrorOption, out var error, ref length) != 0)
                {
                    error = Marshal.GetLastPInvokeError();
                }

                if (error != 0)
                {
                    throw Epoll.Failure(error);
                }
            }

            // .NET reads the peer's address and the connected state from the handle.
            return new Socket(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// On an engine's thread, runs <paramref name="work"/> on that thread once the events in hand are handled, after
    /// the caller's own code has returned; elsewhere does nothing and returns false. Deferring here rather than to the
    /// thread pool wakes no other thread.
    /// </summary>
    public static bool TryDefer(Action<object?> work, object? state)
    {
        var engine = t_current;
        engine?._deferred.Enqueue((work, state));
        return engine is not null;
    }

    /// <summary>
    /// Runs <paramref name="work"/> after the caller's code: on an engine's thread once it is back in the engine
    /// (<see cref="TryDefer"/>), elsewhere on the thread pool.
    /// </summary>
    public static void Defer(Action<object?> work, object? state)
    {
        if (!TryDefer(work, state))
        {
            ThreadPool.UnsafeQueueUserWorkItem(work, state, preferLocal: false);
        }
    }

    /// <summary>
    /// Takes a pending connection off a listener registered here, without waiting: null with
    /// <paramref name="status"/> <see cref="SocketError.WouldBlock"/> when none is pending. Accepting here rather than
    /// through .NET's engine saves each connection a wake-up of .NET's epoll thread and a hop to the thread pool.
    /// </summary>
    public static Socket? TryAccept(Socket listener, out SocketError status)
    {
        var fd = Epoll.Accept(listener.SafeHandle, out status);
        if (fd < 0)
        {
            return null;
        }

        var handle = new SafeSocketHandle(fd, ownsHandle: true);
        try
        {
            return new Socket(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Registers the socket <paramref name="fd"/>; its events go to the returned readiness until it is disposed.</summary>
    public SocketReadiness Register(int fd)
    {
        int slot;
        SocketReadiness readiness;
        lock (_lock)
        {
            slot = _free.Count > 0 ? _free.Pop() : _used++;
            if (slot == _slots.Length)
            {
                Array.Resize(ref _slots, _slots.Length * 2);
            }

            readiness = new SocketReadiness(this, fd, slot, ++_generation);
            Volatile.Write(ref _slots[slot], readiness);
        }

        var registration = new Epoll.Event
        {
            Events = Epoll.In | Epoll.Out | Epoll.ReadHangUp | Epoll.EdgeTriggered,
            Data = ((ulong)readiness.Generation << 32) | (uint)slot,
        };
        if (Epoll.Control(_epoll, Epoll.ControlAdd, fd, ref registration) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            Release(slot);
            throw Epoll.Failure(error);
        }

        return readiness;
    }

    /// <summary>
    /// Stops the socket's events (before it is closed or handed to another connection); without
    /// <paramref name="remove"/> the socket stays in the set until its close takes it out.
    /// </summary>
    internal void Unregister(SocketReadiness readiness, bool remove)
    {
        if (remove)
        {
            var none = default(Epoll.Event);

            // Fails only if the socket is already closed, which removed it from the set anyway.
            Epoll.Control(_epoll, Epoll.ControlDelete, readiness.Fd, ref none);
        }

        Release(readiness.Slot);
    }

    private async Task WaitWritableAsync(int fd, CancellationToken cancellation)
    {
        var readiness = Register(fd);
        try
        {
            using (cancellation.UnsafeRegister(static state => ((SocketReadiness)state!).Dispose(), readiness))
            {
                try
                {
                    await readiness.Writable.WaitAsync();
                }
                catch (SocketException) when (cancellation.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellation);
                }
            }
        }
        finally
        {
            readiness.Dispose();
        }
    }

    private static EpollEngine[]? Start()
    {
        if (!Epoll.IsSupported)
        {
            return null;
        }

        var engines = new EpollEngine[Environment.ProcessorCount];
        for (var i = 0; i < engines.Length; i++)
        {
            var epoll = Epoll.Create(Epoll.CloseOnExec);
            if (epoll < 0)
            {
                throw Epoll.Failure(Marshal.GetLastPInvokeError());
            }

            var engine = new EpollEngine(epoll);
            engines[i] = engine;
            new Thread(engine.Run) { IsBackground = true, Name = "Vaurien epoll" }.UnsafeStart();
        }

        return engines;
    }

    private void Release(int slot)
    {
        lock (_lock)
        {
            Volatile.Write(ref _slots[slot], null);
            _free.Push(slot);
        }
    }

    private void Run()
    {
        t_current = this;
        var events = new Epoll.Event[MaxEvents];
        while (true)
        {
            var count = Epoll.Wait(_epoll, events, MaxEvents, -1);
            if (count < 0)
            {
                if (Marshal.GetLastPInvokeError() == Epoll.Interrupted)
                {
                    continue;
                }

                Environment.FailFast($"epoll_wait failed: errno {Marshal.GetLastPInvokeError()}");
            }

            var slots = Volatile.Read(ref _slots);
            for (var i = 0; i < count; i++)
            {
                var data = events[i].Data;
                var slot = (int)(uint)data;

                // A socket unregistered (and its slot perhaps reused) after this batch was taken: not its event.
                if (slot < slots.Length && Volatile.Read(ref slots[slot]) is { } readiness && readiness.Generation == (uint)(data >> 32))
                {
                    try
                    {
                        readiness.OnEvents(events[i].Events);
                    }
                    catch (Exception e)
                    {
                        Report(e);
                    }
                }
            }

            while (_deferred.TryDequeue(out var deferred))
            {
                try
                {
                    deferred.Work(deferred.State);
                }
                catch (Exception e)
                {
                    Report(e);
                }
            }
        }
    }

    // The continuations and deferred work catch their own failures; one that did not must not stop every other
    // connection of this thread.
    private static void Report(Exception e) => Console.Error.WriteLine($"vaurien: socket engine: {e}");
}
