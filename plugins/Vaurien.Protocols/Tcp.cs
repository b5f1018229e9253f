using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Vaurien.Protocols.Framing;

namespace Vaurien.Protocols;

/// <summary>
/// Vaurien's <c>tcp</c>: bytes pass unchanged and in order; one read in either direction is one exchange.
/// </summary>
/// <remarks>
/// <code>
/// client.Input  --pump ToBackend--&gt;  backend.Output      each pump: read; if pass-through, copy the whole read
/// client.Output &lt;--pump ToClient---  backend.Input       on; else each buffer's worth of a read = one exchange
/// </code>
/// End of stream on one side completes the other side's output (the host passes the FIN on) and the other
/// direction goes on until its own end: half-close is kept. The error is 1000 random bytes, as in Vaurien.
/// </remarks>
[ExportProtocol("tcp", Description = "Plain TCP: bytes pass unchanged, one read in either direction is one exchange.")]
internal sealed class Tcp : Protocol<TcpOptions>
{
    // Vaurien's tcp error: random bytes the client cannot take for its backend's reply.
    private const int ErrorLength = 1000;

    // Keys this protocol's per-connection state in ConnectionInfo.Items.
    private static readonly object SessionKey = new();

    // Not async, and the ToClient pump's task is the protocol's (it awaits the other pump last): an idle connection
    // holds two state machines, not four.
    protected override Task RunAsync(ProtocolConnection connection, TcpOptions options)
    {
        // The client's output is written by the ToClient pump and by errors answered on the ToBackend pump.
        var session = new Session();
        connection.Info.Items[SessionKey] = session;

        // In pass-through each pump copies its reads as they are: the host may do that itself, socket to socket.
        connection.AllowDirectRelay(Direction.ToBackend);
        connection.AllowDirectRelay(Direction.ToClient);
        var toBackend = PumpAsync(connection, Direction.ToBackend, connection.Client.Input, connection.Backend.Output, null, options.Buffer, null);
        return PumpAsync(connection, Direction.ToClient, connection.Backend.Input, connection.Client.Output, session, options.Buffer, toBackend);
    }

    protected override async ValueTask WriteErrorAsync(ProtocolConnection connection, BehaviorContext exchange, string? message, TcpOptions options)
    {
        // Outside RunAsync there is no other writer to wait for.
        var session = connection.Info.Items.TryGetValue(SessionKey, out var state) ? state as Session : null;
        if (session is not null)
        {
            try
            {
                await session.WaitAsync(connection.Closed);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        try
        {
            if (session?.ClientOutputCompleted == true)
            {
                return;
            }

            // The message has no place in tcp: Vaurien's tcp error is random bytes.
            var output = connection.Client.Output;
            exchange.Random.NextBytes(output.GetSpan(ErrorLength)[..ErrorLength]);
            output.Advance(ErrorLength);
            await output.FlushAsync();
        }
        finally
        {
            session?.Release();
        }
    }

    // Then awaits the other direction's pump, if given: both end before the protocol does (Relay.WhenBothAsync's rule).
    private static async Task PumpAsync(ProtocolConnection connection, Direction direction, PipeReader input, PipeWriter output, Session? session, int bufferSize, Task? other)
    {
        // Kept small: this is what an idle connection holds while it waits (twice); the work is in RelayAsync.
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                if (result.IsCanceled || !await RelayAsync(connection, direction, input, output, session, bufferSize, result))
                {
                    // Cancelled: the connection is closing.
                    return;
                }
            }
        }
        catch (Exception) when (Relay.WakeBoth(connection))
        {
            // Never: WakeBoth returns false, so the exception goes on as it was.
        }
        finally
        {
            if (other is not null)
            {
                await other;
            }
        }
    }

    // Relays one read, as it is (pass-through) or as exchanges; false once this direction is finished.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> RelayAsync(ProtocolConnection connection, Direction direction, PipeReader input, PipeWriter output, Session? session, int bufferSize, ReadResult result)
    {
        var buffer = result.Buffer;
        var consumed = buffer.End;
        if (!buffer.IsEmpty && connection.IsPassThrough)
        {
            // Fast path: nothing can act on these bytes, so the whole read goes on as it is.
            if (session is not null)
            {
                await session.WaitAsync();
            }

            FlushResult flush;
            try
            {
                Relay.Write(output, buffer);

                input.AdvanceTo(buffer.End);
                flush = await output.FlushAsync();
            }
            finally
            {
                session?.Release();
            }

            if (flush.IsCompleted || flush.IsCanceled)
            {
                return false;
            }
        }
        else if (!buffer.IsEmpty)
        {
            // One read is one exchange, of at most one buffer as in Vaurien; the rest is the next exchange.
            var chunk = buffer.Length > bufferSize ? buffer.Slice(0, bufferSize) : buffer;
            consumed = chunk.End;
            var exchange = await connection.BeginExchangeAsync(direction, chunk);
            var outcome = exchange.Outcome;
            if (outcome == ExchangeOutcome.Forward)
            {
                if (session is not null)
                {
                    await session.WaitAsync();
                }

                FlushResult flush;
                try
                {
                    Relay.Write(output, exchange.Data);

                    flush = await output.FlushAsync();
                }
                finally
                {
                    session?.Release();
                }

                if (flush.IsCompleted || flush.IsCanceled)
                {
                    outcome = ExchangeOutcome.Stop;
                }
            }

            // The read stays valid through OnAfterHandle, which sees it as the exchange's data.
            if (outcome != ExchangeOutcome.Stop)
            {
                outcome = await exchange.CompleteAsync(chunk);
            }

            input.AdvanceTo(consumed);
            if (outcome == ExchangeOutcome.Stop)
            {
                return false;
            }

            if (!consumed.Equals(buffer.End))
            {
                return true;
            }
        }
        else
        {
            input.AdvanceTo(consumed);
        }

        if (result.IsCompleted)
        {
            // End of stream: pass the FIN on and let the other direction finish on its own.
            await CompleteAsync(output, session);
            return false;
        }

        return true;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask CompleteAsync(PipeWriter output, Session? session)
    {
        if (session is null)
        {
            await output.CompleteAsync();
            return;
        }

        await session.WaitAsync();
        try
        {
            session.ClientOutputCompleted = true;
            await output.CompleteAsync();
        }
        finally
        {
            session.Release();
        }
    }

    /// <summary>Per-connection state: the gate of the client's output (one writer at a time), and whether it is finished.</summary>
    private sealed class Session() : SemaphoreSlim(1, 1)
    {
        public bool ClientOutputCompleted { get; set; }
    }
}
