using System.Collections.Concurrent;

namespace Vaurien.Host.Proxy;

/// <summary>
/// The send operations of one proxy, shared by its connections: a connection rents one per flush, so the pool holds
/// about as many as sends are in flight at once, not one per socket.
/// </summary>
internal sealed class SocketSenderPool : IDisposable
{
    // Beyond this many idle senders, returned ones are disposed: a burst must not keep its peak for ever.
    private const int MaxIdle = 1024;

    private readonly ConcurrentQueue<SocketSender> _idle = new();
    private int _count;
    private bool _disposed;

    public SocketSender Rent()
    {
        if (_idle.TryDequeue(out var sender))
        {
            Interlocked.Decrement(ref _count);
            return sender;
        }

        return new SocketSender();
    }

    public void Return(SocketSender sender)
    {
        if (Volatile.Read(ref _disposed) || Interlocked.Increment(ref _count) > MaxIdle)
        {
            if (!Volatile.Read(ref _disposed))
            {
                Interlocked.Decrement(ref _count);
            }

            sender.Dispose();
            return;
        }

        sender.Clear();
        _idle.Enqueue(sender);
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        while (_idle.TryDequeue(out var sender))
        {
            sender.Dispose();
        }
    }
}
