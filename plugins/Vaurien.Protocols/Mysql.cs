using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Vaurien.Protocols;

/// <summary>
/// Vaurien's <c>mysql</c>: after the handshake, which passes untouched, one client command packet is one exchange
/// (named <c>COM_QUERY</c>, <c>COM_STMT_EXECUTE</c>...) with its complete response; an injected error is an ERR packet
/// with the sequence id the client expects, so the session stays usable.
/// </summary>
/// <remarks>
/// <code>
/// greeting, handshake response, auth switch/more data until OK or ERR     relayed packet by packet, no exchange
/// client.Input --frame command--&gt; exchange --&gt; backend.Output          commands are handled one at a time, in order
/// client.Output &lt;--relay packet by packet-- backend.Input                until the response ends: OK, ERR, or result
///                                                                       sets up to one without SERVER_MORE_RESULTS_EXISTS
/// </code>
/// The response handed to OnAfterHandle is its last packet (the OK, ERR or EOF that ends it). After an SSLRequest
/// (TLS), with compression, after COM_BINLOG_DUMP or an unknown command, the rest of the connection is relayed
/// unframed. In pass-through commands are framed the same way, without exchanges, so framing stays in step.
/// Half-close: the client's end of stream goes to the backend after the response under way, and the backend's
/// remaining bytes follow until its own end.
/// </remarks>
[ExportProtocol("mysql", Description = "MySQL/MariaDB: one command packet is one exchange with its whole response; errors are ERR packets (1053 08S01).")]
internal sealed partial class Mysql : Protocol<MysqlOptions>
{
    // ERR header, error code, '#' and the SQLSTATE.
    private const int ErrorHead = 1 + 2 + 1 + 5;

    // Enough for any message a behavior means; a longer one is cut rather than split over packets.
    private const int MaxMessageBytes = 4096;

    private enum Phase
    {
        Commands,
        Unframed,
        Closed,
    }

    protected override async Task RunAsync(ProtocolConnection connection, MysqlOptions options)
    {
        var session = new MysqlSession(connection, options);
        var phase = await HandshakeAsync(session);
        if (phase == Phase.Commands)
        {
            phase = await CommandsAsync(connection, session);
        }

        if (phase == Phase.Unframed)
        {
            await session.RelayUnframedAsync();
        }
    }

    protected override async ValueTask WriteErrorAsync(ProtocolConnection connection, BehaviorContext exchange, string? message, MysqlOptions options)
    {
        var request = exchange.Data;
        if (MysqlCommands.ResponseOf(MysqlFramer.CommandOf(request)) is MysqlCommands.Response.None or MysqlCommands.Response.Quit)
        {
            // The client waits for no answer (COM_QUIT, COM_STMT_CLOSE...): an ERR would answer its next command.
            return;
        }

        // Commands are handled one at a time and answers flushed before the next is read: nothing else writes meanwhile.
        var text = Encoding.UTF8.GetBytes(message ?? options.ErrorMessage);
        var length = Math.Min(text.Length, MaxMessageBytes);
        var payload = ErrorHead + length;
        var output = connection.Client.Output;
        var span = output.GetSpan(MysqlFramer.HeaderLength + payload);
        span[0] = (byte)payload;
        span[1] = (byte)(payload >> 8);
        span[2] = (byte)(payload >> 16);
        span[3] = (byte)(MysqlFramer.LastSequence(request) + 1);
        span[4] = MysqlFramer.Err;
        BinaryPrimitives.WriteUInt16LittleEndian(span[5..], (ushort)options.ErrorCode);
        span[7] = (byte)'#';
        var state = span.Slice(8, 5);
        state.Fill((byte)'0');
        Encoding.ASCII.GetBytes(options.SqlState.AsSpan(0, Math.Min(options.SqlState.Length, 5)), state);
        text.AsSpan(0, length).CopyTo(span[13..]);
        output.Advance(MysqlFramer.HeaderLength + payload);
        await output.FlushAsync();
    }

    // Greeting, handshake response, then authentication until the server's OK or ERR.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<Phase> HandshakeAsync(MysqlSession session)
    {
        var (relayed, greeting, greetingData) = await session.NextResponseAsync();
        if (!relayed)
        {
            return Phase.Closed;
        }

        if (greeting.Header == MysqlFramer.Err)
        {
            // The server refuses the connection (too many connections, host blocked) and closes: pass that on as it is.
            return Phase.Unframed;
        }

        session.ServerCapabilities = MysqlFramer.ServerCapabilities(greetingData);
        var (framed, helloPacket, hello) = await session.NextRequestAsync();
        if (!framed)
        {
            return Phase.Closed;
        }

        session.ClientCapabilities = MysqlFramer.ClientCapabilities(hello);
        var tls = MysqlFramer.IsSslRequest(helloPacket, session.ClientCapabilities);
        if (!await session.ForwardRequestAsync(hello))
        {
            return Phase.Closed;
        }

        if (tls)
        {
            // Everything from here on is TLS records.
            return Phase.Unframed;
        }

        var (phase, _) = await AuthenticateAsync(session);
        return phase == Phase.Commands && session.Compressed ? Phase.Unframed : phase;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<Phase> CommandsAsync(ProtocolConnection connection, MysqlSession session)
    {
        while (true)
        {
            // The next command is awaited here, in this loop's state machine (one per connection), not in the helpers
            // below: with many connections waiting at once the pooled builders' caches ran dry, and every command
            // allocated the state machines of the helpers that waited.
            if (!await session.FlushClientAsync() || (session.Requests.NeedsData && !session.Requests.Hold(await session.Requests.WaitForDataAsync())))
            {
                return Phase.Closed;
            }

            var (framed, packet, data) = await session.NextRequestAsync();
            if (!framed)
            {
                return Phase.Closed;
            }

            var command = packet.Header;
            Exchange? exchange = null;
            var request = data;
            if (!connection.IsPassThrough)
            {
                exchange = await connection.BeginExchangeAsync(Direction.ToBackend, data, MysqlCommands.NameOf(command));
                if (exchange.Outcome == ExchangeOutcome.Stop)
                {
                    return Phase.Closed;
                }

                if (exchange.Outcome == ExchangeOutcome.Answered)
                {
                    // The client already has its ERR in this command's place: the backend never sees the command.
                    session.Requests.Consume();
                    if (await exchange.CompleteAsync() == ExchangeOutcome.Stop)
                    {
                        return Phase.Closed;
                    }

                    continue;
                }

                request = exchange.Data;
            }

            // So is the server's first answer.
            if (!await session.ForwardRequestAsync(request)
                || (MysqlCommands.ServerAnswers(command) && session.Responses.NeedsData && !session.Responses.Hold(await session.Responses.WaitForDataAsync())))
            {
                return Phase.Closed;
            }

            var (next, last) = await RelayResponseAsync(session, command);
            if (next == Phase.Closed || !await session.FlushClientAsync())
            {
                return Phase.Closed;
            }

            // The last packet stays valid through OnAfterHandle, which sees it as the exchange's response.
            var outcome = exchange is null ? ExchangeOutcome.Forward : await exchange.CompleteAsync(last);
            session.Release();
            if (outcome == ExchangeOutcome.Stop || next == Phase.Unframed)
            {
                return outcome == ExchangeOutcome.Stop ? Phase.Closed : next;
            }
        }
    }
}
