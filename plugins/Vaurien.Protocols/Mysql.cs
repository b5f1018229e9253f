using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Vaurien.Protocols.Framing;

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
internal sealed class Mysql : Protocol<MysqlOptions>
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

    private static async ValueTask<Phase> CommandsAsync(ProtocolConnection connection, MysqlSession session)
    {
        while (true)
        {
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

            if (!await session.ForwardRequestAsync(request))
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

    // Relays the whole answer to one command; its last packet stays held for OnAfterHandle.
    private static ValueTask<(Phase Next, ReadOnlySequence<byte> Last)> RelayResponseAsync(MysqlSession session, int command) =>
        MysqlCommands.ResponseOf(command) switch
        {
            MysqlCommands.Response.None => new((Phase.Commands, default)),

            // Relaying both ways passes the server's end of stream on at once, and the client's whenever it comes.
            MysqlCommands.Response.Quit => new((Phase.Unframed, default)),
            MysqlCommands.Response.Single => SingleAsync(session),
            MysqlCommands.Response.ResultSets => ResultSetsAsync(session, command),
            MysqlCommands.Response.Prepare => PrepareAsync(session),
            MysqlCommands.Response.FieldList or MysqlCommands.Response.Rows => RowsAsync(session),
            MysqlCommands.Response.Authentication => AuthenticateAsync(session),
            _ => new((Phase.Unframed, default)),
        };

    private static async ValueTask<(Phase, ReadOnlySequence<byte>)> SingleAsync(MysqlSession session)
    {
        while (true)
        {
            var (relayed, packet, data) = await session.NextResponseAsync();
            if (!relayed)
            {
                return (Phase.Closed, default);
            }

            if (packet.Header != MysqlFramer.Err || MysqlFramer.IsError(packet, data))
            {
                return (Phase.Commands, data);
            }
        }
    }

    // OK, ERR, LOCAL INFILE or a result set, again while the server says more results follow.
    private static async ValueTask<(Phase, ReadOnlySequence<byte>)> ResultSetsAsync(MysqlSession session, int command)
    {
        while (true)
        {
            var (relayed, packet, data) = await session.NextResponseAsync();
            if (!relayed)
            {
                return (Phase.Closed, default);
            }

            switch (packet.Header)
            {
                case MysqlFramer.Err:
                    if (MysqlFramer.IsError(packet, data))
                    {
                        return (Phase.Commands, data);
                    }

                    continue;

                case MysqlFramer.Ok:
                    if ((MysqlFramer.StatusFlags(data, okFormat: true) & MysqlFramer.MoreResultsExist) == 0)
                    {
                        return (Phase.Commands, data);
                    }

                    continue;

                case MysqlFramer.LocalInfile when command == MysqlCommands.Query:
                    // The client sends the file's packets up to an empty one; the server's OK or ERR follows.
                    int sent;
                    do
                    {
                        sent = await session.RelayRequestPacketAsync();
                    }
                    while (sent > 0);

                    if (sent < 0)
                    {
                        return (Phase.Closed, default);
                    }

                    continue;
            }

            var (columns, metadata) = MysqlFramer.ColumnCount(data, session.MetadataFlag(command));
            for (ulong i = 0; metadata && i < columns; i++)
            {
                if (!(await session.NextResponseAsync()).Relayed)
                {
                    return (Phase.Closed, default);
                }
            }

            if (!session.DeprecateEof)
            {
                (relayed, _, data) = await session.NextResponseAsync();
                if (!relayed)
                {
                    return (Phase.Closed, default);
                }

                if ((MysqlFramer.StatusFlags(data, okFormat: false) & MysqlFramer.CursorExists) != 0)
                {
                    // The rows wait on the server for COM_STMT_FETCH.
                    return (Phase.Commands, data);
                }
            }

            // Rows up to the EOF (or OK) that ends them, or an ERR that ends the whole response.
            while (true)
            {
                (relayed, packet, data) = await session.NextResponseAsync();
                if (!relayed)
                {
                    return (Phase.Closed, default);
                }

                if (packet.Header == MysqlFramer.Err && MysqlFramer.IsError(packet, data))
                {
                    return (Phase.Commands, data);
                }

                if (MysqlFramer.IsEnd(packet))
                {
                    break;
                }
            }

            if ((MysqlFramer.StatusFlags(data, okFormat: session.DeprecateEof) & MysqlFramer.MoreResultsExist) == 0)
            {
                return (Phase.Commands, data);
            }
        }
    }

    // Rows (or column definitions) up to the EOF (or OK) that ends them, or an ERR.
    private static async ValueTask<(Phase, ReadOnlySequence<byte>)> RowsAsync(MysqlSession session)
    {
        while (true)
        {
            var (relayed, packet, data) = await session.NextResponseAsync();
            if (!relayed)
            {
                return (Phase.Closed, default);
            }

            if (MysqlFramer.IsEnd(packet) || (packet.Header == MysqlFramer.Err && MysqlFramer.IsError(packet, data)))
            {
                return (Phase.Commands, data);
            }
        }
    }

    // COM_STMT_PREPARE: OK with the parameter and column counts, then that many definitions, each run closed by an EOF.
    private static async ValueTask<(Phase, ReadOnlySequence<byte>)> PrepareAsync(MysqlSession session)
    {
        var (relayed, packet, data) = await session.NextResponseAsync();
        if (!relayed || packet.Header != MysqlFramer.Ok)
        {
            return (relayed ? Phase.Commands : Phase.Closed, data);
        }

        var (columns, parameters) = MysqlFramer.PrepareCounts(data);
        var eof = session.DeprecateEof ? 0 : 1;
        var packets = (parameters > 0 ? parameters + eof : 0) + (columns > 0 ? columns + eof : 0);
        for (var i = 0; i < packets; i++)
        {
            (relayed, _, data) = await session.NextResponseAsync();
            if (!relayed)
            {
                return (Phase.Closed, default);
            }
        }

        return (Phase.Commands, data);
    }

    // Auth switch requests and auth data go back and forth until the server's OK or ERR.
    private static async ValueTask<(Phase, ReadOnlySequence<byte>)> AuthenticateAsync(MysqlSession session)
    {
        while (true)
        {
            var (relayed, packet, data) = await session.NextResponseAsync();
            if (!relayed)
            {
                return (Phase.Closed, default);
            }

            if (packet.Header is MysqlFramer.Ok or MysqlFramer.Err)
            {
                // After an ERR the server closes; the client's end of stream then ends the connection cleanly.
                return (Phase.Commands, data);
            }

            if (MysqlFramer.IsFastAuthSuccess(packet, data))
            {
                // caching_sha2_password's fast path: its OK follows with nothing from the client.
                continue;
            }

            if (await session.RelayRequestPacketAsync() < 0)
            {
                return (Phase.Closed, default);
            }
        }
    }
}
