using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using Vaurien.Protocols.Framing;

namespace Vaurien.Protocols;

/// <summary>
/// Vaurien's <c>redis</c>: one client command (RESP array or inline line) is one exchange, answered by exactly one
/// backend reply of any RESP2/RESP3 type; an injected error is a RESP error.
/// </summary>
/// <remarks>
/// <code>
/// client.Input --frame command--&gt; exchange --&gt; backend.Output     commands are handled one at a time, in order,
/// client.Output &lt;--frame one reply-- backend.Input                 so replies (and injected errors) stay in order
/// </code>
/// In pass-through the commands already buffered go on together and their replies are relayed once the client's
/// buffer is empty: pipelines keep their speed while framing stays in step. After SUBSCRIBE, PSUBSCRIBE,
/// SSUBSCRIBE or MONITOR the server talks on its own, so the rest of the connection is relayed unframed.
/// Half-close: the client's end of stream goes to the backend once every reply is relayed, and the backend's
/// remaining bytes follow until its own end.
/// </remarks>
[ExportProtocol("redis", Description = "Redis RESP2/RESP3: one command is one exchange, answered by one reply; errors are RESP errors (-ERR).")]
internal sealed class Redis : Protocol<RedisOptions>
{
    // Pass-through commands held before their replies are relayed: bounds what waits in the backend's output.
    private const int MaxPending = 128;

    // Unflushed reply bytes beyond which a pipeline's replies are flushed before the batch ends.
    private const int FlushThreshold = 64 * 1024;

    protected override async Task RunAsync(ProtocolConnection connection, RedisOptions options)
    {
        // The connection's pipes are asked for where they are used: a local kept across the awaits below would be a
        // field of this state machine, which every connection holds.
        var commands = new FrameStream<RespFramer.Frame>(connection.Client.Input, RespFramer.ReadCommand, options.MaxFrame, options.Buffer, connection, "client");
        var replies = new FrameStream<RespFramer.Frame>(connection.Backend.Input, RespFramer.ReadReply, options.MaxFrame, options.Buffer, connection, "backend");

        // Commands written to the backend in pass-through whose replies are not yet relayed.
        var pending = 0;
        long pendingBytes = 0;
        while (true)
        {
            if (pending == 0 && commands.NeedsData && !commands.Hold(await commands.WaitForDataAsync()))
            {
                return;
            }

            // A client that never pauses still gets its replies: the backend is flushed every so many commands.
            var (result, frame, data) = pending >= MaxPending || pendingBytes >= 4L * options.Buffer
                ? (FrameStream<RespFramer.Frame>.Result.WouldWait, default, default)
                : await commands.NextAsync(wait: pending == 0);
            var relayPending = result == FrameStream<RespFramer.Frame>.Result.WouldWait;
            var subscribes = false;
            if (result == FrameStream<RespFramer.Frame>.Result.Frame)
            {
                subscribes = frame.Name is "SUBSCRIBE" or "PSUBSCRIBE" or "SSUBSCRIBE" or "MONITOR";
                if (frame.NoReply || (connection.IsPassThrough && !subscribes))
                {
                    // Redis answers an empty command with nothing; any other passes with its reply still to relay.
                    Relay.Write(connection.Backend.Output, data);
                    commands.Consume();
                    pending += frame.NoReply ? 0 : 1;
                    pendingBytes += data.Length;
                    continue;
                }

                // An exchange (or a switch to unframed relaying) comes after the replies of the commands before it: the
                // command stays unconsumed, and is framed again once they are relayed.
                relayPending = pending > 0;
            }

            if (relayPending)
            {
                // The first reply is awaited here, in this loop's own state machine: a request does not hold (and
                // allocate, with 50 in flight) a state machine of its own while the backend answers.
                var flush = await connection.Backend.Output.FlushAsync();
                if (flush.IsCompleted || flush.IsCanceled || (replies.NeedsData && !replies.Hold(await replies.WaitForDataAsync())) ||
                    !await RelayPendingAsync(replies, connection.Client.Output, pending))
                {
                    return;
                }

                pending = 0;
                pendingBytes = 0;
                continue;
            }

            if (result is FrameStream<RespFramer.Frame>.Result.Invalid or FrameStream<RespFramer.Frame>.Result.Canceled)
            {
                return;
            }

            if (result == FrameStream<RespFramer.Frame>.Result.End)
            {
                await EndAsync(connection, commands, replies, pending);
                return;
            }

            if (connection.IsPassThrough)
            {
                Relay.Write(connection.Backend.Output, data);
                commands.Consume();
                await Relay.UnframedAsync(connection, commands, replies);
                return;
            }

            // The reply is awaited here, in this loop's own state machine, as in pass-through: with 50 clients waiting the
            // pooled builders' caches ran dry, and every exchange allocated the state machines of the helpers that waited.
            var exchange = await BeginAsync(connection, commands, replies, frame.Name, data, subscribes);
            if (exchange is null || (exchange.Outcome == ExchangeOutcome.Forward
                && ((replies.NeedsData && !replies.Hold(await replies.WaitForDataAsync())) || !await CompleteAsync(connection, replies, exchange))))
            {
                return;
            }
        }
    }

    // One command as an exchange, up to its reply: the behavior's before-hook, then the command (or what replaced it) to
    // the backend. Null when the connection ends; otherwise the exchange, Forward when its reply comes next, Answered when
    // the client already has its error. Apart from the loop above, so that its state machine, held by every connection,
    // stays small.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<Exchange?> BeginAsync(
        ProtocolConnection connection, FrameStream<RespFramer.Frame> commands, FrameStream<RespFramer.Frame> replies, string? name, ReadOnlySequence<byte> data, bool subscribes)
    {
        var backend = connection.Backend;
        var exchange = await connection.BeginExchangeAsync(Direction.ToBackend, data, name);
        var outcome = exchange.Outcome;
        if (outcome == ExchangeOutcome.Stop)
        {
            return null;
        }

        if (outcome == ExchangeOutcome.Answered)
        {
            // The client already has its error in this command's place: the backend never sees the command.
            commands.Consume();
            return await exchange.CompleteAsync() == ExchangeOutcome.Stop ? null : exchange;
        }

        Relay.Write(backend.Output, exchange.Data);
        commands.Consume();
        var flush = await backend.Output.FlushAsync();
        if (flush.IsCompleted || flush.IsCanceled)
        {
            return null;
        }

        if (subscribes)
        {
            // The replies that follow are the server's own messages, not answers: nothing more to frame.
            if (await exchange.CompleteAsync() != ExchangeOutcome.Stop)
            {
                await Relay.UnframedAsync(connection, commands, replies);
            }

            return null;
        }

        return exchange;
    }

    // The exchange's reply to the client, then the behavior's after-hook; false when the connection ends.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> CompleteAsync(ProtocolConnection connection, FrameStream<RespFramer.Frame> replies, Exchange exchange)
    {
        var reply = await RelayReplyAsync(replies, connection.Client.Output);
        if (reply is not { } response)
        {
            return false;
        }

        // The reply stays valid through OnAfterHandle, which sees it as the exchange's response.
        var outcome = await exchange.CompleteAsync(response);
        replies.Consume();
        return outcome != ExchangeOutcome.Stop;
    }

    protected override async ValueTask WriteErrorAsync(ProtocolConnection connection, BehaviorContext exchange, string? message, RedisOptions options)
    {
        // Commands are handled one at a time, so nothing else writes to the client meanwhile. A line break would
        // end the error early and leave the rest for the client to read as the next reply.
        var text = (message ?? options.ErrorMessage).Replace('\r', ' ').Replace('\n', ' ');
        var output = connection.Client.Output;
        output.Write("-"u8);
        output.Write(Encoding.UTF8.GetBytes(text));
        output.Write("\r\n"u8);
        await output.FlushAsync();
    }

    // Relays the replies of the pass-through commands (already flushed to the backend), in order.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> RelayPendingAsync(FrameStream<RespFramer.Frame> replies, PipeWriter clientOutput, int pending)
    {
        // A pipeline's replies go back together, as the server sent them: one flush (one send) for the batch, not one
        // per reply, unless what waits grows past a few buffers. The replies a read already holds are relayed without an
        // asynchronous call each.
        var relayed = 0;
        while (relayed < pending)
        {
            if (clientOutput.UnflushedBytes < FlushThreshold && replies.TryNextBuffered(out var frame, out var data))
            {
                Relay.Write(clientOutput, data);
                replies.Consume();
                relayed += frame.Push ? 0 : 1;
                continue;
            }

            var last = relayed == pending - 1;
            if (await RelayReplyAsync(replies, clientOutput, flushEach: last || clientOutput.UnflushedBytes >= FlushThreshold) is null)
            {
                return false;
            }

            replies.Consume();
            relayed++;
        }

        if (clientOutput.UnflushedBytes > 0)
        {
            var flushed = await clientOutput.FlushAsync();
            return !flushed.IsCompleted && !flushed.IsCanceled;
        }

        return true;
    }

    // Relays the next reply to the client (RESP3 pushes before it go on as they are); null if the connection ends.
    // Without flushEach the reply waits in the client's output for the caller's flush.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<ReadOnlySequence<byte>?> RelayReplyAsync(FrameStream<RespFramer.Frame> replies, PipeWriter clientOutput, bool flushEach = true)
    {
        while (true)
        {
            var (result, frame, data) = await replies.NextAsync(wait: true);
            if (result != FrameStream<RespFramer.Frame>.Result.Frame)
            {
                if (result == FrameStream<RespFramer.Frame>.Result.End)
                {
                    // The backend went away mid-reply: what it did send still reaches the client, then the FIN.
                    replies.WriteLeftover(clientOutput);
                    await clientOutput.CompleteAsync();
                }

                return null;
            }

            Relay.Write(clientOutput, data);
            if (flushEach || frame.Push)
            {
                var flush = await clientOutput.FlushAsync();
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    return null;
                }
            }

            if (!frame.Push)
            {
                return data;
            }

            replies.Consume();
        }
    }

    // The client ended its stream: its last partial command (if any) and its FIN go on once every reply is relayed.
    private static async Task EndAsync(ProtocolConnection connection, FrameStream<RespFramer.Frame> commands, FrameStream<RespFramer.Frame> replies, int pending)
    {
        var flush = await connection.Backend.Output.FlushAsync();
        if (flush.IsCompleted || flush.IsCanceled || !await RelayPendingAsync(replies, connection.Client.Output, pending))
        {
            return;
        }

        await Relay.ClientEndedAsync(connection, commands, replies);
    }
}
