using System.Buffers;
using System.Runtime.CompilerServices;

namespace Vaurien.Protocols;

// Where each kind of answer ends: the response shapes of the MySQL/MariaDB command phase.
internal sealed partial class Mysql
{
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

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
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
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
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
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
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
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
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
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
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
