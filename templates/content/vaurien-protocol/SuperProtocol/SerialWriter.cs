using System.Buffers;
using System.IO.Pipelines;

namespace My.Namespace;

/// <summary>
/// One side's writer, taken in turns: both directions write to the client (replies, and the ERR lines behaviors ask
/// for on requests), and a <see cref="PipeWriter"/> allows one writer at a time.
/// </summary>
internal sealed class SerialWriter(PipeWriter output) : IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private bool _completed;

    /// <summary>Writes and flushes <paramref name="data"/>; false once the peer is gone or the side was completed.</summary>
    public async ValueTask<bool> WriteAsync(ReadOnlySequence<byte> data, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            if (_completed)
            {
                return false;
            }

            foreach (var segment in data)
            {
                output.Write(segment.Span);
            }

            var flush = await output.FlushAsync(cancellationToken);
            return !flush.IsCompleted && !flush.IsCanceled;
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Ends this side's stream: the host passes it on as a FIN, the other direction stays open.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            _completed = true;
            await output.CompleteAsync();
        }
        finally
        {
            _turn.Release();
        }
    }

    public void Dispose() => _turn.Dispose();
}
