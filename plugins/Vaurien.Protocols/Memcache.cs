using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using Vaurien.Protocols.Framing;

namespace Vaurien.Protocols;

/// <summary>
/// Vaurien's <c>memcache</c>: one text-protocol command (with its data block) is one exchange, answered by its whole
/// response (up to <c>END</c> for get and stats); an injected error is a <c>SERVER_ERROR</c> line.
/// </summary>
/// <remarks>
/// <code>
/// client.Input --frame command--&gt; exchange --&gt; backend.Output       commands are handled one at a time, in order,
/// client.Output &lt;--frame its response-- backend.Input            so responses (and injected errors) stay in order
/// </code>
/// A memcache response has no shape of its own: it is framed by the command it answers, so the commands waiting for
/// one are queued with the shape they expect. A <c>noreply</c> command (and <c>quit</c>) expects nothing: its exchange
/// ends once the backend has it, and an injected error for it is not written (the client reads nothing). After a
/// forwarded <c>quit</c> the server closes: the rest is relayed unframed so that its FIN reaches the client.
/// Meta commands with the <c>q</c> flag are handled the same way; whatever they still answer (hits, errors) is
/// relayed with the response of the <c>mn</c> that ends the quiet pipeline, up to its <c>MN</c>. A command other
/// than <c>mn</c> after quiet ones cannot have its response told apart from theirs, so from there, as after
/// <c>watch</c> and for the binary protocol (first byte 0x80), the connection is relayed unframed. Responses are read
/// only for commands that expect one: what quiet commands answer waits for the client's next command (their mn).
/// In pass-through the commands already buffered go on together and their responses are relayed once the client's
/// buffer is empty. Half-close: the client's end of stream goes to the backend once every response is relayed.
/// </remarks>
[ExportProtocol("memcache", Description = "Memcached text protocol: one command with its data block is one exchange, answered by its whole response; errors are SERVER_ERROR lines.")]
internal sealed class Memcache : Protocol<MemcacheOptions>
{
    // Pass-through commands held before their responses are relayed: bounds what waits in the backend's output.
    private const int MaxPending = 128;

    protected override async Task RunAsync(ProtocolConnection connection, MemcacheOptions options)
    {
        var client = connection.Client;
        var backend = connection.Backend;
        var commands = new FrameStream<MemcacheFramer.Frame>(client.Input, MemcacheFramer.ReadCommand, options.MaxFrame, options.Buffer, connection, "client");

        // The shapes of the responses still to relay, oldest first: the next response is framed by the first.
        var expected = new Queue<MemcacheReply>();
        var replies = new FrameStream<MemcacheFramer.Frame>(
            backend.Input,
            (buffer, maxFrame) => expected.TryPeek(out var kind) ? MemcacheFramer.ReadReply(buffer, kind, maxFrame) : MemcacheFramer.Frame.Invalid,
            options.MaxFrame,
            options.Buffer,
            connection,
            "backend");

        // Quiet meta commands went to the backend and no mn has closed their pipeline yet.
        var quiet = false;

        // Bytes written to the backend in pass-through and not yet flushed.
        long pendingBytes = 0;
        while (true)
        {
            // Between requests the connection waits here, in this loop's own state machine.
            if (expected.Count == 0 && pendingBytes == 0 && commands.NeedsData && !commands.Hold(await commands.WaitForDataAsync()))
            {
                return;
            }

            // A client that never pauses still gets its responses: the backend is flushed every so many commands.
            var (result, frame, data) = expected.Count >= MaxPending || pendingBytes >= 4L * options.Buffer
                ? (FrameStream<MemcacheFramer.Frame>.Result.WouldWait, default, default)
                : await commands.NextAsync(wait: expected.Count == 0 && pendingBytes == 0);
            if (result == FrameStream<MemcacheFramer.Frame>.Result.WouldWait)
            {
                // The first response is awaited here, in this loop's own state machine: a request does not hold (and
                // allocate, with many in flight) state machines of its own while the backend answers.
                var flushed = await backend.Output.FlushAsync();
                if (flushed.IsCompleted || flushed.IsCanceled || (expected.Count > 0 && replies.NeedsData && !replies.Hold(await replies.WaitForDataAsync())) ||
                    !await RelayResponsesAsync(replies, client.Output, expected))
                {
                    return;
                }

                pendingBytes = 0;
                continue;
            }

            if (result is FrameStream<MemcacheFramer.Frame>.Result.Invalid or FrameStream<MemcacheFramer.Frame>.Result.Canceled)
            {
                return;
            }

            if (result == FrameStream<MemcacheFramer.Frame>.Result.End)
            {
                await EndAsync(connection, commands, replies, expected);
                return;
            }

            if (frame.Reply == MemcacheReply.Unframed || (frame.Reply == MemcacheReply.Close && connection.IsPassThrough)
                || (quiet && !frame.Quiet && frame.Reply is not (MemcacheReply.None or MemcacheReply.Close or MemcacheReply.UntilNoOp)))
            {
                if (!await RelayPendingAsync(backend.Output, replies, client.Output, expected))
                {
                    return;
                }

                Relay.Write(backend.Output, data);
                commands.Consume();
                await Relay.UnframedAsync(connection, commands, replies);
                return;
            }

            var answered = frame.Reply is not (MemcacheReply.None or MemcacheReply.Close) && !frame.Quiet;
            if (connection.IsPassThrough)
            {
                Relay.Write(backend.Output, data);
                pendingBytes += Math.Max(data.Length, 1);
                commands.Consume();
                quiet = StillQuiet(quiet, frame);
                if (answered)
                {
                    expected.Enqueue(frame.Reply);
                }

                continue;
            }

            // An exchange comes after the responses of the commands before it.
            if (expected.Count > 0 || pendingBytes > 0)
            {
                if (!await RelayPendingAsync(backend.Output, replies, client.Output, expected))
                {
                    return;
                }

                pendingBytes = 0;
            }

            var exchange = await connection.BeginExchangeAsync(Direction.ToBackend, data, frame.Name);
            var outcome = exchange.Outcome;
            if (outcome == ExchangeOutcome.Stop)
            {
                return;
            }

            if (outcome == ExchangeOutcome.Answered)
            {
                // The client already has its error in this command's place: the backend never sees the command.
                commands.Consume();
                if (await exchange.CompleteAsync() == ExchangeOutcome.Stop)
                {
                    return;
                }

                continue;
            }

            Relay.Write(backend.Output, exchange.Data);
            commands.Consume();
            var flush = await backend.Output.FlushAsync();
            if (flush.IsCompleted || flush.IsCanceled)
            {
                return;
            }

            quiet = StillQuiet(quiet, frame);
            if (!answered)
            {
                // Nothing comes back for it: the exchange ends once the backend has the command.
                if (await exchange.CompleteAsync() == ExchangeOutcome.Stop)
                {
                    return;
                }

                if (frame.Reply == MemcacheReply.Close)
                {
                    // The server closes after quit: its FIN (and the client's) must pass on, not wait for a command.
                    await Relay.UnframedAsync(connection, commands, replies);
                    return;
                }

                continue;
            }

            // The response is awaited here too, for the same reason.
            expected.Enqueue(frame.Reply);
            if (replies.NeedsData && !replies.Hold(await replies.WaitForDataAsync()))
            {
                return;
            }

            var reply = await RelayReplyAsync(replies, client.Output);
            if (reply is not { } response)
            {
                return;
            }

            // The response stays valid through OnAfterHandle, which sees it as the exchange's response.
            outcome = await exchange.CompleteAsync(response);
            replies.Consume();
            expected.Dequeue();
            if (outcome == ExchangeOutcome.Stop)
            {
                return;
            }
        }
    }

    protected override async ValueTask WriteErrorAsync(ProtocolConnection connection, BehaviorContext exchange, string? message, MemcacheOptions options)
    {
        // A client that asked for no reply reads none: an error there would be taken for the next command's response.
        var request = MemcacheFramer.ReadCommand(exchange.Data, int.MaxValue);
        if (request.Status == FrameStatus.Complete && (request.Reply is MemcacheReply.None or MemcacheReply.Close || request.Quiet))
        {
            return;
        }

        // Commands are handled one at a time, so nothing else writes to the client meanwhile. A line break would
        // end the error early and leave the rest for the client to read as the next response.
        var text = (message ?? options.ErrorMessage).Replace('\r', ' ').Replace('\n', ' ');
        var output = connection.Client.Output;
        output.Write("SERVER_ERROR "u8);
        output.Write(Encoding.UTF8.GetBytes(text));
        output.Write("\r\n"u8);
        await output.FlushAsync();
    }

    // An mn ends the quiet pipeline before it; a quiet command starts or extends one.
    private static bool StillQuiet(bool quiet, MemcacheFramer.Frame command) =>
        command.Reply != MemcacheReply.UntilNoOp && (quiet || command.Quiet);

    // Flushes the pass-through commands to the backend and relays their responses, in order.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> RelayPendingAsync(PipeWriter backendOutput, FrameStream<MemcacheFramer.Frame> replies, PipeWriter clientOutput, Queue<MemcacheReply> expected)
    {
        var flush = await backendOutput.FlushAsync();
        return !flush.IsCompleted && !flush.IsCanceled && await RelayResponsesAsync(replies, clientOutput, expected);
    }

    // Relays the responses of the commands already flushed to the backend, in order.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> RelayResponsesAsync(FrameStream<MemcacheFramer.Frame> replies, PipeWriter clientOutput, Queue<MemcacheReply> expected)
    {
        while (expected.Count > 0)
        {
            if (await RelayReplyAsync(replies, clientOutput) is null)
            {
                return false;
            }

            replies.Consume();
            expected.Dequeue();
        }

        return true;
    }

    // Relays the next command's whole response to the client; null if the connection ends.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<ReadOnlySequence<byte>?> RelayReplyAsync(FrameStream<MemcacheFramer.Frame> replies, PipeWriter clientOutput)
    {
        var (result, _, data) = await replies.NextAsync(wait: true);
        if (result != FrameStream<MemcacheFramer.Frame>.Result.Frame)
        {
            if (result == FrameStream<MemcacheFramer.Frame>.Result.End)
            {
                // The backend went away mid-response: what it did send still reaches the client, then the FIN.
                replies.WriteLeftover(clientOutput);
                await clientOutput.CompleteAsync();
            }

            return null;
        }

        return await Relay.WriteAndFlushAsync(clientOutput, data) ? data : null;
    }

    // The client ended its stream: its last partial command (if any) and its FIN go on once every response is relayed.
    private static async Task EndAsync(ProtocolConnection connection, FrameStream<MemcacheFramer.Frame> commands, FrameStream<MemcacheFramer.Frame> replies, Queue<MemcacheReply> expected)
    {
        if (!await RelayPendingAsync(connection.Backend.Output, replies, connection.Client.Output, expected))
        {
            return;
        }

        await Relay.ClientEndedAsync(connection, commands, replies);
    }
}
