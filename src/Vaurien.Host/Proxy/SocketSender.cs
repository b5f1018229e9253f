using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace Vaurien.Host.Proxy;

/// <summary>
/// One send operation that can be awaited without allocating, rented from a <see cref="SocketSenderPool"/> for one
/// flush and given back: an idle connection then holds no send state (Kestrel's SocketSender does the same).
/// <c>Socket.SendAsync(Memory)</c> would keep one such object per socket for the socket's whole life.
/// </summary>
internal sealed class SocketSender : SocketAsyncEventArgs, IValueTaskSource<int>
{
    private ManualResetValueTaskSourceCore<int> _source;

    public SocketSender()
        : base(unsafeSuppressExecutionContextFlow: true)
    {
        // Completions run on the socket engine's thread, as the pipes' continuations do (inline): no extra hop.
        _source.RunContinuationsAsynchronously = false;
    }

    /// <summary>Sends what fits of <paramref name="data"/>; returns how many bytes went.</summary>
    public ValueTask<int> SendAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        _source.Reset();
        SetBuffer(MemoryMarshal.AsMemory(data));
        if (socket.SendAsync(this))
        {
            return new ValueTask<int>(this, _source.Version);
        }

        return SocketError == SocketError.Success
            ? new ValueTask<int>(BytesTransferred)
            : ValueTask.FromException<int>(new SocketException((int)SocketError));
    }

    /// <summary>Drops the reference to the last buffer before the sender goes back to the pool.</summary>
    public void Clear() => SetBuffer(Memory<byte>.Empty);

    int IValueTaskSource<int>.GetResult(short token) => _source.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _source.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _source.OnCompleted(continuation, state, token, flags);

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        if (SocketError == SocketError.Success)
        {
            _source.SetResult(BytesTransferred);
        }
        else
        {
            _source.SetException(new SocketException((int)SocketError));
        }
    }
}
