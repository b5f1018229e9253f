using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using Vaurien.Protocols.Framing;

namespace Vaurien.Protocols;

/// <summary>
/// Vaurien's <c>postgres</c>: the PostgreSQL frontend/backend protocol v3. After authentication, one client request
/// (a Query, a FunctionCall, or the extended-query messages up to and including their Sync) is one exchange, answered
/// by everything the backend sends up to its ReadyForQuery; an injected error is an ErrorResponse and a ReadyForQuery.
/// </summary>
/// <remarks>
/// <code>
/// startup     untyped messages one at a time: SSLRequest/GSSENCRequest get the backend's one byte ('N': go on;
///             'S'/'G': encrypted, relayed unframed), CancelRequest is relayed unframed, StartupMessage goes on
/// requests    client.Input --frame request--&gt; exchange --&gt; backend.Output     one request at a time: the next
/// responses   client.Output &lt;--runs of messages-- backend.Input              begins once the previous one's
///                                                                             ReadyForQuery is relayed
/// </code>
/// Responses are relayed by their own loop as they arrive, a run of whole messages at a time, so asynchronous
/// notices, parameter changes and notifications reach an idle client too; the exchange completes on the response's
/// ReadyForQuery, which also gives the transaction status an injected error repeats. Until the backend's first
/// ReadyForQuery (authentication, SASL included) messages pass both ways untouched. COPY FROM STDIN data (after
/// CopyInResponse or CopyBothResponse) belongs to the exchange that started the COPY. A batch ending with Flush
/// instead of Sync gets no ReadyForQuery: it is an exchange that completes once forwarded, and its answers are relayed
/// as they come; an error injected in its place is an ErrorResponse alone, after which the batch's messages up to the
/// next Sync are dropped, as the backend itself would skip them. In pass-through requests go on without waiting for
/// the answers before them, and framing stays in step. Half-close: the client's end of stream goes to the backend once
/// every answer is relayed; the backend's end of stream ends the connection (PostgreSQL never half-closes).
/// </remarks>
[ExportProtocol("postgres", Description = "PostgreSQL protocol v3: a Query, a FunctionCall or an extended-query batch up to its Sync is one exchange, answered up to ReadyForQuery; errors are ErrorResponses.")]
internal sealed class Postgres : Protocol<PostgresOptions>
{
    // A Sync message: its type and a length of 4 (the length itself), no body.
    private const int SyncLength = 5;

    // Keys this protocol's per-connection state in ConnectionInfo.Items.
    private static readonly object SessionKey = new();

    protected override async Task RunAsync(ProtocolConnection connection, PostgresOptions options)
    {
        var session = new PostgresSession();
        connection.Info.Items[SessionKey] = session;
        var startup = true;
        var oneByte = false;
        var maxFrame = options.MaxFrame;
        var requests = new FrameStream<PostgresFramer.Request>(
            connection.Client.Input,
            (buffer, limit) => startup ? PostgresFramer.ReadStartup(buffer, limit) : PostgresFramer.ReadRequest(buffer, limit),
            maxFrame,
            options.Buffer,
            connection,
            "client");
        var responses = new FrameStream<PostgresFramer.Response>(
            connection.Backend.Input,
            (buffer, limit) => oneByte ? PostgresFramer.ReadByte(buffer) : PostgresFramer.ReadResponses(buffer, limit),
            maxFrame,
            options.Buffer,
            connection,
            "backend");

        while (true)
        {
            var (result, frame, data) = await requests.NextAsync(wait: true);
            if (result != FrameStream<PostgresFramer.Request>.Result.Frame)
            {
                // Gone before starting, or not PostgreSQL: nothing relayed so far awaits an answer.
                return;
            }

            var sent = await Relay.WriteAndFlushAsync(connection.Backend.Output, data);
            requests.Consume();
            if (!sent)
            {
                return;
            }

            if (frame.Code == PostgresFramer.CancelRequest)
            {
                // The backend cancels another session's query and closes this one without a word.
                await Relay.UnframedAsync(connection, requests, responses);
                return;
            }

            if (frame.Code is not (PostgresFramer.SslRequest or PostgresFramer.GssEncRequest))
            {
                break;
            }

            oneByte = true;
            var (answered, answer, reply) = await responses.NextAsync(wait: true);
            if (answered != FrameStream<PostgresFramer.Response>.Result.Frame)
            {
                return;
            }

            sent = await Relay.WriteAndFlushAsync(connection.Client.Output, reply);
            responses.Consume();
            oneByte = false;
            if (!sent)
            {
                return;
            }

            if (answer.Last != (byte)'N')
            {
                // 'S' or 'G': TLS or GSSAPI encryption from here on (anything else is an old server's error text).
                await Relay.UnframedAsync(connection, requests, responses);
                return;
            }
        }

        startup = false;
        var toBackend = RequestsAsync(connection, session, requests);
        var toClient = ResponsesAsync(connection, session, responses);
        var first = await Task.WhenAny(toBackend, toClient);
        if (first.IsFaulted || first.Result)
        {
            // The connection is over: the other loop must not wait for bytes or answers that never come.
            session.Ended();
            connection.Client.Input.CancelPendingRead();
            connection.Backend.Input.CancelPendingRead();
            connection.Client.Output.CancelPendingFlush();
            connection.Backend.Output.CancelPendingFlush();
        }

        await Task.WhenAll(toBackend, toClient);
    }

    protected override async ValueTask WriteErrorAsync(ProtocolConnection connection, BehaviorContext exchange, string? message, PostgresOptions options)
    {
        var session = connection.Info.Items.TryGetValue(SessionKey, out var state) ? state as PostgresSession : null;
        var error = new ReadOnlySequence<byte>(ErrorResponse(options.SqlState, message ?? options.ErrorMessage, session?.AnswerWithoutReady == true ? null : session?.TransactionStatus ?? (byte)'I'));
        if (session is null)
        {
            await Relay.WriteAndFlushAsync(connection.Client.Output, error);
            return;
        }

        // Requests are exchanged one at a time, but notices may be relayed meanwhile: the gate keeps messages whole.
        await session.WriteToClientAsync(connection.Client.Output, error, flush: true);
    }

    // Client to backend: frames requests, makes each an exchange, and forwards what belongs to the one under way.
    // True when the whole connection must close.
    private static async Task<bool> RequestsAsync(ProtocolConnection connection, PostgresSession session, FrameStream<PostgresFramer.Request> requests)
    {
        var output = connection.Backend.Output;
        var unflushed = false;
        var skipToSync = false;
        while (true)
        {
            var (result, frame, data) = await requests.NextAsync(wait: !unflushed);
            if (result == FrameStream<PostgresFramer.Request>.Result.WouldWait)
            {
                if (!await Relay.WriteAndFlushAsync(output, ReadOnlySequence<byte>.Empty))
                {
                    return true;
                }

                unflushed = false;
                continue;
            }

            if (result == FrameStream<PostgresFramer.Request>.Result.End)
            {
                return !await EndAsync(connection, session, requests, unflushed);
            }

            if (result != FrameStream<PostgresFramer.Request>.Result.Frame)
            {
                return true;
            }

            if (skipToSync && frame.Last != (byte)'S' && (frame.IsRequest || frame.IsOpenBatch))
            {
                // After an error in place of a Flush batch the backend would skip everything up to the next Sync.
                requests.Consume();
                continue;
            }

            if (skipToSync && frame.Last == (byte)'S')
            {
                // Only the Sync itself reaches the backend: its ReadyForQuery ends the failed batch.
                skipToSync = false;
                session.Sent(null);
                Relay.Write(output, data.Slice(data.Length - SyncLength));
                requests.Consume();
                unflushed = true;
                continue;
            }

            if (!frame.IsRequest || !session.Ready || session.Copying)
            {
                // Authentication, COPY data, Terminate, an unfinished batch: part of what is under way, not a request.
                Relay.Write(output, data);
                requests.Consume();
                unflushed = true;
                if (frame.Type == (byte)'X')
                {
                    await output.FlushAsync();
                    await output.CompleteAsync();
                    return false;
                }

                continue;
            }

            if (connection.IsPassThrough)
            {
                if (frame.ExpectsReady)
                {
                    session.Sent(null);
                }

                Relay.Write(output, data);
                requests.Consume();
                unflushed = true;
                continue;
            }

            // One exchange at a time: the requests before this one are answered first, so answers stay in order.
            if ((unflushed && !await Relay.WriteAndFlushAsync(output, ReadOnlySequence<byte>.Empty)) || !await session.WaitAnsweredAsync(connection.Closed))
            {
                return true;
            }

            unflushed = false;
            session.AnswerWithoutReady = !frame.ExpectsReady;
            var exchange = await connection.BeginExchangeAsync(Direction.ToBackend, data, PostgresFramer.NameOf(frame.Type));
            var outcome = exchange.Outcome;
            if (outcome == ExchangeOutcome.Stop)
            {
                return true;
            }

            if (outcome == ExchangeOutcome.Answered)
            {
                // The client has its error in this request's place: the backend never sees the request.
                requests.Consume();
                skipToSync = frame.IsOpenBatch;
                if (await exchange.CompleteAsync() == ExchangeOutcome.Stop)
                {
                    return true;
                }

                continue;
            }

            if (frame.ExpectsReady)
            {
                // Before the request goes: its ReadyForQuery may come back at once and complete the exchange.
                session.Sent(exchange);
            }

            Relay.Write(output, exchange.Data);
            requests.Consume();
            if (!await Relay.WriteAndFlushAsync(output, ReadOnlySequence<byte>.Empty))
            {
                return true;
            }

            // A Flush batch gets no ReadyForQuery: its answers are relayed as they come, its exchange ends here.
            if (!frame.ExpectsReady && await exchange.CompleteAsync() == ExchangeOutcome.Stop)
            {
                return true;
            }
        }
    }

    // Backend to client: relays runs of whole messages as they arrive and completes each exchange on its ReadyForQuery.
    // True when the whole connection must close: the backend's end of stream ends the session.
    private static async Task<bool> ResponsesAsync(ProtocolConnection connection, PostgresSession session, FrameStream<PostgresFramer.Response> responses)
    {
        var output = connection.Client.Output;
        var unflushed = false;
        try
        {
            while (true)
            {
                var (result, frame, data) = await responses.NextAsync(wait: !unflushed);
                if (result == FrameStream<PostgresFramer.Response>.Result.WouldWait)
                {
                    if (!await session.WriteToClientAsync(output, ReadOnlySequence<byte>.Empty, flush: true))
                    {
                        return true;
                    }

                    unflushed = false;
                    continue;
                }

                if (result == FrameStream<PostgresFramer.Response>.Result.End)
                {
                    // After a Terminate, a FATAL error or a crash: what the backend did send reaches the client, then the FIN.
                    await session.CompleteClientAsync(output, responses.Leftover);
                    return true;
                }

                if (result != FrameStream<PostgresFramer.Response>.Result.Frame)
                {
                    return true;
                }

                if (frame.Last is (byte)'G' or (byte)'W')
                {
                    session.CopyStarted();
                }

                var ready = frame.Last == (byte)'Z';
                if (!await session.WriteToClientAsync(output, data, flush: false))
                {
                    return true;
                }

                unflushed = true;
                if (!ready)
                {
                    responses.Consume();
                    continue;
                }

                // Counted before the client can see it (its next request must find the backend ready), after it is
                // written (an error injected in that next request's place must follow it).
                var completed = session.ReadyForQuery(frame.ReadyStatus);
                if (!await session.WriteToClientAsync(output, ReadOnlySequence<byte>.Empty, flush: true))
                {
                    return true;
                }

                unflushed = false;
                if (completed is { } exchange)
                {
                    // The run stays valid through OnAfterHandle, which sees it as the end of the exchange's response.
                    var outcome = await exchange.CompleteAsync(data);
                    session.Completed();
                    if (outcome == ExchangeOutcome.Stop)
                    {
                        return true;
                    }
                }

                responses.Consume();
            }
        }
        finally
        {
            session.Ended();
        }
    }

    // The client ended its stream: its FIN (after any partial message) goes on once every answer is relayed.
    // False when the connection must close instead.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> EndAsync(ProtocolConnection connection, PostgresSession session, FrameStream<PostgresFramer.Request> requests, bool unflushed)
    {
        var output = connection.Backend.Output;
        if (unflushed && !await Relay.WriteAndFlushAsync(output, ReadOnlySequence<byte>.Empty))
        {
            return false;
        }

        // Not during a COPY FROM STDIN: its data will never come now, and the backend must see the end to give up.
        if (!session.Copying && !await session.WaitAnsweredAsync(connection.Closed))
        {
            return false;
        }

        requests.WriteLeftover(output);
        await output.CompleteAsync();
        return true;
    }

    // ErrorResponse (S, V, C, M) and, unless null, ReadyForQuery with readyStatus.
    private static byte[] ErrorResponse(string sqlState, string message, byte? readyStatus)
    {
        ReadOnlySpan<byte> severity = "ERROR"u8;

        // A NUL would end a field early and leave the rest for the client to read as the next field.
        sqlState = sqlState.Replace('\0', ' ');
        message = message.Replace('\0', ' ');
        var length = 4 + (2 * (severity.Length + 2)) + Encoding.UTF8.GetByteCount(sqlState) + 2 + Encoding.UTF8.GetByteCount(message) + 2 + 1;
        var bytes = new byte[1 + length + (readyStatus is null ? 0 : 6)];
        var span = bytes.AsSpan();
        span[0] = (byte)'E';
        BinaryPrimitives.WriteInt32BigEndian(span[1..], length);
        var at = 5;
        at += Field(span[at..], (byte)'S', severity);
        at += Field(span[at..], (byte)'V', severity);
        span[at++] = (byte)'C';
        at += Encoding.UTF8.GetBytes(sqlState, span[at..]) + 1;
        span[at++] = (byte)'M';
        at += Encoding.UTF8.GetBytes(message, span[at..]) + 1;
        at++;
        if (readyStatus is { } status)
        {
            span[at] = (byte)'Z';
            BinaryPrimitives.WriteInt32BigEndian(span[(at + 1)..], 5);
            span[at + 5] = status;
        }

        return bytes;

        static int Field(Span<byte> span, byte code, ReadOnlySpan<byte> value)
        {
            span[0] = code;
            value.CopyTo(span[1..]);
            return value.Length + 2;
        }
    }
}
