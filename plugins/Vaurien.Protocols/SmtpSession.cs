using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Vaurien.Protocols.Framing;

namespace Vaurien.Protocols;

/// <summary>
/// One SMTP connection through the proxy: the greeting, then each command as one exchange, answered by one reply
/// (DATA with its body and final reply, BDAT with its chunk, AUTH with its 334 round trips), one at a time in order.
/// </summary>
/// <remarks>
/// One <see cref="FrameStream{TFrame}"/> reads the client: its parser follows the session's mode (command lines, a
/// DATA body, a BDAT chunk), so bytes that arrived with a command and belong to a body are never lost between two
/// readers. Bodies and chunks stream through piece by piece and are never gathered.
/// </remarks>
internal sealed class SmtpSession
{
    // Pass-through commands held before their replies are relayed: bounds what waits in the server's output.
    private const int MaxPending = 128;

    private static readonly byte[] Rset = "RSET\r\n"u8.ToArray();

    private readonly ProtocolConnection _connection;
    private readonly long _pendingLimit;
    private readonly FrameStream<SmtpFramer.Frame> _requests;
    private readonly FrameStream<SmtpFramer.Frame> _replies;
    private Mode _mode;
    private SmtpFramer.BodyState _body;
    private long _chunkLeft;

    // BDAT chunks of an open transaction reached the server: an injected BDAT error must cancel them there too.
    private bool _chunking;

    public SmtpSession(ProtocolConnection connection, SmtpOptions options)
    {
        _connection = connection;
        _pendingLimit = 4L * options.Buffer;
        _requests = new FrameStream<SmtpFramer.Frame>(connection.Client.Input, ParseRequest, options.MaxLine, options.Buffer, connection, "client");
        _replies = new FrameStream<SmtpFramer.Frame>(connection.Backend.Input, SmtpFramer.ReadReply, options.MaxLine, options.Buffer, connection, "backend");
    }

    private enum Mode
    {
        Line,
        Body,
        Chunk,
    }

    private PipeWriter ToBackend => _connection.Backend.Output;

    private PipeWriter ToClient => _connection.Client.Output;

    /// <summary>Relays the session until either side ends it, a frame is not SMTP, or an exchange stops it.</summary>
    public async Task RunAsync()
    {
        // The greeting answers no command: it goes to the client before any exchange.
        if (await RelayReplyAsync() is null)
        {
            return;
        }

        _replies.Consume();

        // Pass-through commands written to the server whose replies are not yet relayed.
        var pending = 0;
        long pendingBytes = 0;
        while (true)
        {
            _mode = Mode.Line;

            // The next command is awaited here, in this loop's own state machine, not in the stream's: with many
            // connections waiting at once the pooled builders' caches ran dry, and every command allocated one.
            if (pending == 0 && _requests.NeedsData && !_requests.Hold(await _requests.WaitForDataAsync()))
            {
                return;
            }

            var (result, frame, data) = pending >= MaxPending || pendingBytes >= _pendingLimit
                ? (FrameStream<SmtpFramer.Frame>.Result.WouldWait, default, default)
                : await _requests.NextAsync(wait: pending == 0);
            var batches = result == FrameStream<SmtpFramer.Frame>.Result.Frame && _connection.IsPassThrough && IsSimple(frame.Verb);
            if (pending > 0 && !batches && result != FrameStream<SmtpFramer.Frame>.Result.Canceled)
            {
                // The batch goes to the server, and its replies come before anything else: a pause, an end, a command
                // of its own, even a bad line. The first reply is awaited here too, for the same reason.
                if (!await FlushAsync(ToBackend) || (_replies.NeedsData && !_replies.Hold(await _replies.WaitForDataAsync()))
                    || !await RelayPendingAsync(pending))
                {
                    return;
                }

                pending = 0;
                pendingBytes = 0;
            }

            if (result == FrameStream<SmtpFramer.Frame>.Result.WouldWait)
            {
                continue;
            }

            if (result == FrameStream<SmtpFramer.Frame>.Result.End)
            {
                await EndAsync();
                return;
            }

            if (result != FrameStream<SmtpFramer.Frame>.Result.Frame)
            {
                return;
            }

            if (batches)
            {
                // Fast path: pipelined one-line commands go on together (RFC 2920), their replies follow in order.
                Relay.Write(ToBackend, data);
                _requests.Consume();
                pending++;
                pendingBytes += data.Length;
                continue;
            }

            Exchange? exchange = null;
            if (!_connection.IsPassThrough)
            {
                exchange = await _connection.BeginExchangeAsync(Direction.ToBackend, data, frame.Name);
                var outcome = exchange.Outcome;
                if (outcome == ExchangeOutcome.Stop)
                {
                    return;
                }

                if (outcome == ExchangeOutcome.Answered)
                {
                    // The client has its error in this command's place; the server never sees the command.
                    _requests.Consume();
                    if (!await SkipAsync(frame) || await exchange.CompleteAsync() == ExchangeOutcome.Stop)
                    {
                        return;
                    }

                    continue;
                }

                data = exchange.Data;
            }

            // The reply is awaited here too, between sending the command and relaying what follows it.
            if (!await SendAsync(frame, data) || (_replies.NeedsData && !_replies.Hold(await _replies.WaitForDataAsync()))
                || !await FinishAsync(frame, exchange))
            {
                return;
            }
        }
    }

    // One line, one reply, nothing after: a command that may go on in a pass-through batch.
    private static bool IsSimple(SmtpFramer.Verb verb) => verb is SmtpFramer.Verb.Other or SmtpFramer.Verb.Reset;

    // Relays the replies of a batch already flushed to the server, in order.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> RelayPendingAsync(int pending)
    {
        for (var i = 0; i < pending; i++)
        {
            if (await RelayReplyAsync() is null)
            {
                return false;
            }

            _replies.Consume();
        }

        return true;
    }

    // Sends the command (and what belongs to it) to the server; false when the session is over.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> SendAsync(SmtpFramer.Frame command, ReadOnlySequence<byte> data)
    {
        Relay.Write(ToBackend, data);
        _requests.Consume();

        // BDAT's chunk follows its line at once; the server answers after the chunk (RFC 3030).
        return (command.Verb != SmtpFramer.Verb.Bdat || await StreamChunkAsync(command.Size, forward: true)) && await FlushAsync(ToBackend);
    }

    // Relays the reply to a command sent (with DATA's body and AUTH's round trips) and ends its exchange; false when the
    // session is over.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FinishAsync(SmtpFramer.Frame command, Exchange? exchange)
    {
        if (await RelayReplyAsync() is not { } reply)
        {
            return false;
        }

        if (command.Verb == SmtpFramer.Verb.Data && reply.Code == 354)
        {
            // The body is part of DATA's exchange: delayed (or failed) once, with its command, never on its own.
            _replies.Consume();
            if (!await StreamBodyAsync() || await RelayReplyAsync() is not { } final)
            {
                return false;
            }

            reply = final;
        }

        while (command.Verb == SmtpFramer.Verb.Auth && reply.Code == 334)
        {
            // The client's answer to a challenge is part of AUTH's exchange, as the body is of DATA's.
            _replies.Consume();
            var (ok, _, line) = await NextRequestAsync(Mode.Line);
            if (!ok || !await ForwardPieceAsync(line) || await RelayReplyAsync() is not { } next)
            {
                return false;
            }

            reply = next;
        }

        // The reply stays valid through OnAfterHandle, which sees it as the exchange's response.
        var outcome = exchange is null ? ExchangeOutcome.Forward : await exchange.CompleteAsync(reply.Data);
        _replies.Consume();
        if (outcome == ExchangeOutcome.Stop)
        {
            return false;
        }

        _chunking = command.Verb switch
        {
            SmtpFramer.Verb.Bdat => !command.Last && reply.Code < 400,
            SmtpFramer.Verb.Reset => false,
            _ => _chunking,
        };
        if ((command.Verb == SmtpFramer.Verb.StartTls && reply.Code == 220) || (command.Verb == SmtpFramer.Verb.Quit && reply.Code == 221))
        {
            // TLS from here on, or the server is closing: nothing more to frame.
            await Relay.UnframedAsync(_connection, _requests, _replies);
            return false;
        }

        return true;
    }

    // What follows a command answered with an injected error, so the server's state is what the client believes.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> SkipAsync(SmtpFramer.Frame command)
    {
        // After an error in DATA's place the client sends no body; after BDAT, the chunk comes anyway: dropped here.
        if (command.Verb != SmtpFramer.Verb.Bdat)
        {
            return true;
        }

        if (!await StreamChunkAsync(command.Size, forward: false))
        {
            return false;
        }

        if (!_chunking)
        {
            return true;
        }

        // A failed BDAT fails its transaction (RFC 3030): the server must not keep the earlier chunks as half a
        // message, so it gets the RSET the client would send, and its reply goes nowhere.
        _chunking = false;
        if (!await Relay.WriteAndFlushAsync(ToBackend, new ReadOnlySequence<byte>(Rset)))
        {
            return false;
        }

        var (result, _, _) = await _replies.NextAsync(wait: true);
        if (result != FrameStream<SmtpFramer.Frame>.Result.Frame)
        {
            return false;
        }

        _replies.Consume();
        return true;
    }

    // Streams a DATA body up to and including its final ".", piece by piece as the client sends it.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> StreamBodyAsync()
    {
        _body = SmtpFramer.BodyState.Start;
        while (true)
        {
            var (ok, piece, data) = await NextRequestAsync(Mode.Body);
            if (!ok || !await ForwardPieceAsync(data))
            {
                return false;
            }

            if (piece.Last)
            {
                return true;
            }

            _body = piece.Body;
        }
    }

    // Streams (or drops) a BDAT chunk of size bytes as the client sends it.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> StreamChunkAsync(long size, bool forward)
    {
        _chunkLeft = size;
        while (_chunkLeft > 0)
        {
            var (ok, piece, data) = await NextRequestAsync(Mode.Chunk);
            if (!ok)
            {
                return false;
            }

            if (forward)
            {
                Relay.Write(ToBackend, data);
            }

            _requests.Consume();
            _chunkLeft -= piece.Length;
            if (forward && !await FlushAsync(ToBackend))
            {
                return false;
            }
        }

        return true;
    }

    // The next frame from the client in the given mode; at the client's end of stream, passes it on and relays the rest.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(bool Ok, SmtpFramer.Frame Frame, ReadOnlySequence<byte> Data)> NextRequestAsync(Mode mode)
    {
        _mode = mode;
        var (result, frame, data) = await _requests.NextAsync(wait: true);
        if (result == FrameStream<SmtpFramer.Frame>.Result.End)
        {
            await EndAsync();
        }

        return (result == FrameStream<SmtpFramer.Frame>.Result.Frame, frame, data);
    }

    // The client ended its stream once every reply was relayed: its partial line and its FIN go on, then the rest of
    // the server's bytes until its own end.
    private async Task EndAsync()
    {
        await Relay.ClientEndedAsync(_connection, _requests, _replies);
    }

    private SmtpFramer.Frame ParseRequest(ReadOnlySequence<byte> buffer, int maxLine) => _mode switch
    {
        Mode.Body => SmtpFramer.ReadBody(buffer, _body),
        Mode.Chunk => SmtpFramer.ReadChunk(buffer, _chunkLeft),
        _ => SmtpFramer.ReadCommand(buffer, maxLine),
    };

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ForwardPieceAsync(ReadOnlySequence<byte> data)
    {
        Relay.Write(ToBackend, data);
        _requests.Consume();
        return await FlushAsync(ToBackend);
    }

    // Relays the server's next reply to the client; null if the connection ends. Its data stays valid until consumed.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(int Code, ReadOnlySequence<byte> Data)?> RelayReplyAsync()
    {
        var (result, frame, data) = await _replies.NextAsync(wait: true);
        if (result != FrameStream<SmtpFramer.Frame>.Result.Frame)
        {
            if (result == FrameStream<SmtpFramer.Frame>.Result.End)
            {
                // The server went away (mid-reply, maybe): what it did send still reaches the client, then the FIN.
                _replies.WriteLeftover(ToClient);
                await ToClient.CompleteAsync();
            }

            return null;
        }

        return await Relay.WriteAndFlushAsync(ToClient, data) ? (frame.Code, data) : null;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> FlushAsync(PipeWriter output)
    {
        var flush = await output.FlushAsync();
        return !flush.IsCompleted && !flush.IsCanceled;
    }
}
