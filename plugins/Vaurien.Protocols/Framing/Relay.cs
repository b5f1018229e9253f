using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Vaurien.Protocols.Framing;

/// <summary>Moving bytes as they are: what every protocol does between (or instead of) its exchanges.</summary>
internal static class Relay
{
    // What Write copies into one span of the writer: a bulk read of the host's (a few buffers), not a large frame.
    private const int SingleSpanLimit = 256 * 1024;

    /// <summary>Writes <paramref name="data"/> to <paramref name="output"/> without flushing.</summary>
    public static void Write(PipeWriter output, ReadOnlySequence<byte> data)
    {
        // Up to a bound, into one span: a read copied into several of the writer's buffers goes out as several sends.
        if (data.Length is > 0 and <= SingleSpanLimit)
        {
            var length = (int)data.Length;
            data.CopyTo(output.GetSpan(length));
            output.Advance(length);
            return;
        }

        foreach (var segment in data)
        {
            output.Write(segment.Span);
        }
    }

    /// <summary>Writes <paramref name="data"/> and flushes; false if the reader is gone or the flush was cancelled.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<bool> WriteAndFlushAsync(PipeWriter output, ReadOnlySequence<byte> data)
    {
        Write(output, data);
        var flush = await output.FlushAsync();
        return !flush.IsCompleted && !flush.IsCanceled;
    }

    /// <summary>
    /// Copies <paramref name="input"/> to <paramref name="output"/> until the end of stream, which it passes on (FIN).
    /// With <paramref name="pairedWith"/>, a failure first wakes the other direction (see <see cref="WhenBothAsync"/>).
    /// </summary>
    public static async Task CopyAsync(PipeReader input, PipeWriter output, ProtocolConnection? pairedWith = null)
    {
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                if (result.IsCanceled)
                {
                    return;
                }

                Write(output, result.Buffer);
                input.AdvanceTo(result.Buffer.End);
                var flush = await output.FlushAsync();
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    return;
                }

                if (result.IsCompleted)
                {
                    await output.CompleteAsync();
                    return;
                }
            }
        }
        catch (Exception) when (pairedWith is not null && WakeBoth(pairedWith))
        {
            // Never: WakeBoth returns false, so the exception goes on as it was.
        }
    }

    /// <summary>
    /// Stops framing for good (an upgrade, TLS, a subscription...): what either stream gathered goes on first, flushed
    /// (the peer may be waiting for it before it sends anything), then the rest of the connection both ways as it is.
    /// </summary>
    public static async Task UnframedAsync<TRequest, TResponse>(ProtocolConnection connection, FrameStream<TRequest> requests, FrameStream<TResponse> responses)
        where TRequest : struct, IFrame
        where TResponse : struct, IFrame
    {
        requests.WriteLeftover(connection.Backend.Output);
        responses.WriteLeftover(connection.Client.Output);
        if (await WriteAndFlushAsync(connection.Backend.Output, default) && await WriteAndFlushAsync(connection.Client.Output, default))
        {
            await BothWaysAsync(connection);
        }
    }

    /// <summary>
    /// The client ended its stream and nothing is left to answer: its partial frame (if any) and its FIN go to the
    /// backend, then the backend's remaining bytes reach the client until the backend's own end.
    /// </summary>
    public static async Task ClientEndedAsync<TRequest, TResponse>(ProtocolConnection connection, FrameStream<TRequest> requests, FrameStream<TResponse> responses)
        where TRequest : struct, IFrame
        where TResponse : struct, IFrame
    {
        requests.WriteLeftover(connection.Backend.Output);
        await connection.Backend.Output.CompleteAsync();
        responses.WriteLeftover(connection.Client.Output);
        await CopyAsync(connection.Backend.Input, connection.Client.Output);
    }

    /// <summary>Relays the rest of the connection both ways as it is (after an upgrade, STARTTLS, a subscription...).</summary>
    public static Task BothWaysAsync(ProtocolConnection connection)
    {
        // From here on both ways are copied as they are: in pass-through the host may send reads socket to socket.
        connection.AllowDirectRelay(Direction.ToBackend);
        connection.AllowDirectRelay(Direction.ToClient);
        var toBackend = CopyAsync(connection.Client.Input, connection.Backend.Output, connection);
        var toClient = CopyAsync(connection.Backend.Input, connection.Client.Output, connection);
        return WhenBothAsync(toBackend, toClient);
    }

    /// <summary>
    /// Awaits two pumps that call <see cref="WakeBoth"/> when they fail (a pump that fails must not leave the other
    /// waiting for bytes that never come): the other pump is always awaited, then the first failure is thrown. No
    /// <c>Task.WhenAny</c>: an idle connection would hold its promise (88 bytes) for its whole life.
    /// </summary>
    public static async Task WhenBothAsync(Task toBackend, Task toClient)
    {
        try
        {
            await toBackend;
        }
        finally
        {
            await toClient;
        }
    }

    /// <summary>
    /// Cancels every pending read and flush of the connection, so both directions return. Returns false, to be used as
    /// an exception filter: <c>catch (Exception) when (Relay.WakeBoth(connection))</c> wakes the other direction as the
    /// failure happens and lets the exception go on unchanged.
    /// </summary>
    public static bool WakeBoth(ProtocolConnection connection)
    {
        connection.Client.Input.CancelPendingRead();
        connection.Backend.Input.CancelPendingRead();
        connection.Client.Output.CancelPendingFlush();
        connection.Backend.Output.CancelPendingFlush();
        return false;
    }
}
