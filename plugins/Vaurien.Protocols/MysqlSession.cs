using System.Buffers;
using System.Runtime.CompilerServices;
using Vaurien.Protocols.Framing;

namespace Vaurien.Protocols;

/// <summary>
/// One client connection of the <c>mysql</c> protocol: both packet streams, the capabilities the handshake agreed on,
/// and relaying packet by packet. A server packet is written to the client as soon as it is framed and flushed in
/// batches (when no more is buffered, or every buffer's worth), so a large result set is never gathered.
/// </summary>
internal sealed class MysqlSession
{
    private readonly ProtocolConnection _connection;
    private readonly int _flushEvery;
    private bool _held;
    private bool _continues;
    private long _unflushed;

    public MysqlSession(ProtocolConnection connection, MysqlOptions options)
    {
        _connection = connection;
        _flushEvery = options.Buffer;
        var maxFrame = options.MaxFrame;
        Requests = new(connection.Client.Input, MysqlFramer.ReadCommand, maxFrame, options.Buffer, connection, "client");
        Responses = new(connection.Backend.Input, MysqlFramer.ReadPacket, maxFrame, options.Buffer, connection, "backend");
    }

    /// <summary>The client's commands (and, in the handshake and LOCAL INFILE, its other packets).</summary>
    public FrameStream<MysqlFramer.Frame> Requests { get; }

    /// <summary>The server's packets, one at a time.</summary>
    public FrameStream<MysqlFramer.Frame> Responses { get; }

    /// <summary>The server's capability flags, from its greeting.</summary>
    public ulong ServerCapabilities { get; set; }

    /// <summary>The client's capability flags, from its handshake response.</summary>
    public ulong ClientCapabilities { get; set; }

    /// <summary>Whether result sets end with an OK packet and carry no EOF after their column definitions.</summary>
    public bool DeprecateEof => Agreed(MysqlFramer.ClientDeprecateEof);

    /// <summary>Whether the command phase is compressed: its packets are not framed the plain way.</summary>
    public bool Compressed => Agreed(MysqlFramer.ClientCompress | MysqlFramer.ClientZstdCompression);

    /// <summary>Whether a result set's column count is followed by a byte saying whether column definitions follow.</summary>
    public bool MetadataFlag(int command) =>
        Agreed(MysqlFramer.ClientOptionalResultsetMetadata) || (command == MysqlCommands.StmtExecute && Agreed(MysqlFramer.MariadbCacheMetadata));

    /// <summary>
    /// Frames the next server packet and writes it to the client (a packet continuing a full one goes along with it).
    /// The packet stays held, its data valid, until the next call or <see cref="Release"/>. False if the connection ends.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(bool Relayed, MysqlFramer.Frame Packet, ReadOnlySequence<byte> Data)> NextResponseAsync()
    {
        Release();
        var output = _connection.Client.Output;
        while (true)
        {
            var (result, packet, data) = await Responses.NextAsync(wait: false);
            if (result == FrameStream<MysqlFramer.Frame>.Result.WouldWait)
            {
                // Nothing more is buffered: what is written so far reaches the client before waiting for the server.
                if (!await FlushClientAsync())
                {
                    return default;
                }

                (result, packet, data) = await Responses.NextAsync(wait: true);
            }

            if (result != FrameStream<MysqlFramer.Frame>.Result.Frame)
            {
                if (result == FrameStream<MysqlFramer.Frame>.Result.End)
                {
                    // The server went away mid-response: what it did send still reaches the client, then the FIN.
                    Responses.WriteLeftover(output);
                    await output.CompleteAsync();
                }

                return default;
            }

            Relay.Write(output, data);
            _held = true;
            _unflushed += data.Length;
            if (_unflushed >= _flushEvery && !await FlushClientAsync())
            {
                return default;
            }

            var continuation = _continues;
            _continues = packet.PayloadLength == MysqlFramer.MaxPayload;
            if (!continuation)
            {
                return (true, packet, data);
            }

            Release();
        }
    }

    /// <summary>Drops the server packet <see cref="NextResponseAsync"/> returned.</summary>
    public void Release()
    {
        if (_held)
        {
            _held = false;
            Responses.Consume();
        }
    }

    /// <summary>Flushes what was written to the client; false if the client is gone.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> FlushClientAsync()
    {
        if (_unflushed == 0)
        {
            return true;
        }

        _unflushed = 0;
        var flush = await _connection.Client.Output.FlushAsync();
        return !flush.IsCompleted && !flush.IsCanceled;
    }

    /// <summary>
    /// Frames the client's next packet (once the server's answer so far has reached it). On the client's end of stream
    /// the connection is finished (<see cref="EndAsync"/>) and false returned, as for anything that cannot be framed.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(bool Framed, MysqlFramer.Frame Packet, ReadOnlySequence<byte> Data)> NextRequestAsync()
    {
        if (!await FlushClientAsync())
        {
            return default;
        }

        var (result, packet, data) = await Requests.NextAsync(wait: true);
        if (result == FrameStream<MysqlFramer.Frame>.Result.End)
        {
            await EndAsync();
        }

        return result == FrameStream<MysqlFramer.Frame>.Result.Frame ? (true, packet, data) : default;
    }

    /// <summary>Writes <paramref name="data"/> (the framed request or what a behavior put in its place) to the server, drops the request and flushes.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ForwardRequestAsync(ReadOnlySequence<byte> data)
    {
        var output = _connection.Backend.Output;
        Relay.Write(output, data);
        Requests.Consume();
        var flush = await output.FlushAsync();
        return !flush.IsCompleted && !flush.IsCanceled;
    }

    /// <summary>Relays one client packet as it is (authentication data, a LOCAL INFILE chunk); its payload length, or -1 if the connection ends.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> RelayRequestPacketAsync()
    {
        var (framed, packet, data) = await NextRequestAsync();
        return framed && await ForwardRequestAsync(data) ? packet.PayloadLength : -1;
    }

    /// <summary>Relays the rest of the connection both ways as it is (after TLS starts, with compression, binlog streaming).</summary>
    public async Task RelayUnframedAsync()
    {
        Release();
        if (!await FlushClientAsync())
        {
            return;
        }

        await Relay.UnframedAsync(_connection, Requests, Responses);
    }

    // The client ended its stream: every answer is relayed already (commands go one at a time), so its last partial
    // packet (if any) and its FIN go on, and the server's remaining bytes follow until its own end.
    private async Task EndAsync()
    {
        Release();
        if (!await FlushClientAsync())
        {
            return;
        }

        await Relay.ClientEndedAsync(_connection, Requests, Responses);
    }

    private bool Agreed(ulong flags) => (ServerCapabilities & ClientCapabilities & flags) != 0;
}
