using System.Buffers;
using System.Buffers.Binary;
using Vaurien.Protocols.Framing;

namespace Vaurien.Protocols;

/// <summary>
/// Cuts the MySQL/MariaDB wire into packets (3-byte little-endian payload length, 1-byte sequence id) and reads the
/// few fields the protocol needs to find where a response ends. Every length is checked against the largest frame
/// before it is trusted; nothing is allocated from a length read on the wire.
/// </summary>
internal static class MysqlFramer
{
    /// <summary>A payload of this length continues in the next packet.</summary>
    public const int MaxPayload = 0xFFFFFF;

    public const int HeaderLength = 4;

    public const byte Ok = 0x00;
    public const byte Err = 0xFF;
    public const byte Eof = 0xFE;
    public const byte LocalInfile = 0xFB;

    // Status flags of OK and EOF packets.
    public const int MoreResultsExist = 0x0008;
    public const int CursorExists = 0x0040;

    // Capability flags.
    public const ulong ClientMysql = 1;
    public const ulong ClientCompress = 0x20;
    public const ulong ClientProtocol41 = 0x200;
    public const ulong ClientSsl = 0x800;
    public const ulong ClientDeprecateEof = 1UL << 24;
    public const ulong ClientOptionalResultsetMetadata = 1UL << 25;
    public const ulong ClientZstdCompression = 1UL << 26;
    public const ulong MariadbCacheMetadata = 1UL << 36;

    // The SSLRequest is the handshake response cut after its fixed part.
    private const int SslRequestLength = 32;

    /// <summary>Frames one physical packet: a response is relayed packet by packet, never gathered whole.</summary>
    public static Frame ReadPacket(ReadOnlySequence<byte> buffer, int maxFrame)
    {
        if (buffer.Length < HeaderLength)
        {
            return Frame.Incomplete;
        }

        Span<byte> head = stackalloc byte[HeaderLength + 1];
        var available = (int)Math.Min(buffer.Length, head.Length);
        buffer.Slice(0, available).CopyTo(head);
        var payload = head[0] | (head[1] << 8) | (head[2] << 16);
        long length = HeaderLength + payload;
        if (length > maxFrame)
        {
            return Frame.Invalid;
        }

        if (buffer.Length < length)
        {
            return Frame.Incomplete;
        }

        return new Frame(FrameStatus.Complete, length, head[3], payload, payload > 0 ? head[4] : -1);
    }

    /// <summary>
    /// Frames one client command: a packet and, when its payload is 0xFFFFFF bytes long, the packets that continue it,
    /// all within <paramref name="maxFrame"/>. The sequence id is the last packet's, which the answer follows.
    /// </summary>
    public static Frame ReadCommand(ReadOnlySequence<byte> buffer, int maxFrame)
    {
        var first = ReadPacket(buffer, maxFrame);
        if (first.Status != FrameStatus.Complete || first.PayloadLength < MaxPayload)
        {
            return first;
        }

        var length = first.Length;
        while (true)
        {
            var next = ReadPacket(buffer.Slice(length), (int)(maxFrame - length));
            if (next.Status != FrameStatus.Complete)
            {
                return next.Status == FrameStatus.Invalid || buffer.Length > maxFrame ? Frame.Invalid : Frame.Incomplete;
            }

            length += next.Length;
            if (next.PayloadLength < MaxPayload)
            {
                return first with { Length = length, Sequence = next.Sequence };
            }
        }
    }

    /// <summary>
    /// Whether a packet ends a run of rows or column definitions: an EOF packet, or (with CLIENT_DEPRECATE_EOF) an OK
    /// packet with the EOF header. A row can start with 0xFE only if its first value is 16 MiB or more, so its packet is full.
    /// </summary>
    public static bool IsEnd(Frame packet) => packet.Header == Eof && packet.PayloadLength < MaxPayload;

    /// <summary>An ERR packet that ends a response; MariaDB's progress reports (error code 0xFFFF) do not.</summary>
    public static bool IsError(Frame packet, ReadOnlySequence<byte> data) => packet.Header == Err && ReadUInt16(data, HeaderLength + 1) != 0xFFFF;

    /// <summary>caching_sha2_password's "fast auth success" (auth more data 0x03): the server's OK follows without a client packet.</summary>
    public static bool IsFastAuthSuccess(Frame packet, ReadOnlySequence<byte> data) =>
        packet.Header == 0x01 && packet.PayloadLength == 2 && ReadByte(data, HeaderLength + 1) == 0x03;

    /// <summary>The status flags of an OK packet (<paramref name="okFormat"/>) or an EOF packet; 0 if it is too short to hold them.</summary>
    public static int StatusFlags(ReadOnlySequence<byte> data, bool okFormat)
    {
        var reader = new SequenceReader<byte>(data);
        reader.Advance(HeaderLength + 1);
        if (okFormat)
        {
            // Affected rows and last insert id come first.
            if (!TryReadLengthEncoded(ref reader, out _) || !TryReadLengthEncoded(ref reader, out _))
            {
                return 0;
            }
        }
        else if (!reader.TryAdvance(2))
        {
            return 0;
        }

        return reader.TryReadLittleEndian(out short status) ? (ushort)status : 0;
    }

    /// <summary>
    /// The column count of a result set's first packet, and whether column definitions follow it: with metadata caching
    /// (MariaDB) or optional metadata (MySQL) negotiated, a byte after the count says so.
    /// </summary>
    public static (ulong Columns, bool MetadataFollows) ColumnCount(ReadOnlySequence<byte> data, bool metadataFlag)
    {
        var reader = new SequenceReader<byte>(data);
        reader.Advance(HeaderLength);
        if (!TryReadLengthEncoded(ref reader, out var columns))
        {
            return (0, false);
        }

        return (columns, !metadataFlag || !reader.TryRead(out var follows) || follows != 0);
    }

    /// <summary>The column and parameter counts of a COM_STMT_PREPARE OK packet.</summary>
    public static (int Columns, int Parameters) PrepareCounts(ReadOnlySequence<byte> data) =>
        (ReadUInt16(data, HeaderLength + 5), ReadUInt16(data, HeaderLength + 7));

    /// <summary>The capability flags of a server greeting (MariaDB's extended ones in the upper half); 0 if it is not one.</summary>
    public static ulong ServerCapabilities(ReadOnlySequence<byte> data)
    {
        var reader = new SequenceReader<byte>(data);
        reader.Advance(HeaderLength);

        // Protocol version, server version (NUL-terminated), connection id, scramble part 1 and a filler.
        if (!reader.TryRead(out var version) || version != 10 || !reader.TryAdvanceTo(0) || !reader.TryAdvance(4 + 8 + 1)
            || !reader.TryReadLittleEndian(out short low) || !reader.TryAdvance(1 + 2) || !reader.TryReadLittleEndian(out short high))
        {
            return 0;
        }

        var capabilities = (ulong)(ushort)low | ((ulong)(ushort)high << 16);

        // Auth data length and six reserved bytes, then MariaDB's extended capabilities where CLIENT_MYSQL is unset.
        if ((capabilities & ClientMysql) == 0 && reader.TryAdvance(1 + 6) && reader.TryReadLittleEndian(out int extended))
        {
            capabilities |= (ulong)(uint)extended << 32;
        }

        return capabilities;
    }

    /// <summary>The capability flags of a client's handshake response or SSLRequest (MariaDB's extended ones in the upper half).</summary>
    public static ulong ClientCapabilities(ReadOnlySequence<byte> data)
    {
        var reader = new SequenceReader<byte>(data);
        reader.Advance(HeaderLength);
        if (!reader.TryReadLittleEndian(out int flags))
        {
            return 0;
        }

        var capabilities = (ulong)(uint)flags;

        // Max packet size, character set and 19 filler bytes, then MariaDB's extended capabilities.
        if ((capabilities & ClientMysql) == 0 && reader.TryAdvance(4 + 1 + 19) && reader.TryReadLittleEndian(out int extended))
        {
            capabilities |= (ulong)(uint)extended << 32;
        }

        return capabilities;
    }

    /// <summary>Whether the client's packet asks for TLS: an SSLRequest, after which the connection is encrypted.</summary>
    public static bool IsSslRequest(Frame packet, ulong clientCapabilities) =>
        packet.PayloadLength == SslRequestLength && (clientCapabilities & ClientSsl) != 0;

    /// <summary>The sequence id of the last packet of <paramref name="command"/>: an answer to it takes the next one.</summary>
    public static byte LastSequence(ReadOnlySequence<byte> command)
    {
        byte sequence = 0;
        long offset = 0;
        Span<byte> head = stackalloc byte[HeaderLength];
        while (command.Length - offset >= HeaderLength)
        {
            command.Slice(offset, HeaderLength).CopyTo(head);
            sequence = head[3];
            offset += HeaderLength + (head[0] | (head[1] << 8) | (head[2] << 16));
        }

        return sequence;
    }

    /// <summary>The command byte of a framed command, or -1 for an empty packet.</summary>
    public static int CommandOf(ReadOnlySequence<byte> command)
    {
        var reader = new SequenceReader<byte>(command);
        return reader.TryAdvance(HeaderLength) && reader.TryRead(out var code) ? code : -1;
    }

    private static int ReadByte(ReadOnlySequence<byte> data, int offset)
    {
        var reader = new SequenceReader<byte>(data);
        return reader.TryAdvance(offset) && reader.TryRead(out var value) ? value : -1;
    }

    private static int ReadUInt16(ReadOnlySequence<byte> data, int offset)
    {
        var reader = new SequenceReader<byte>(data);
        return reader.TryAdvance(offset) && reader.TryReadLittleEndian(out short value) ? (ushort)value : -1;
    }

    private static bool TryReadLengthEncoded(ref SequenceReader<byte> reader, out ulong value)
    {
        value = 0;
        if (!reader.TryRead(out var first))
        {
            return false;
        }

        var size = first switch
        {
            < 0xFB => 0,
            0xFC => 2,
            0xFD => 3,
            0xFE => 8,
            _ => -1,
        };
        if (size == 0)
        {
            value = first;
            return true;
        }

        Span<byte> bytes = stackalloc byte[8];
        if (size < 0 || !reader.TryCopyTo(bytes[..size]))
        {
            return false;
        }

        bytes[size..].Clear();
        reader.Advance(size);
        value = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        return true;
    }

    private static bool TryAdvance(this ref SequenceReader<byte> reader, long count)
    {
        if (reader.Remaining < count)
        {
            return false;
        }

        reader.Advance(count);
        return true;
    }

    /// <summary>One framed packet (or, for a command, its continued packets together).</summary>
    /// <param name="Status">Whether the frame is complete.</param>
    /// <param name="Length">Its length in bytes, headers included, when complete.</param>
    /// <param name="Sequence">The sequence id of its (last) packet.</param>
    /// <param name="PayloadLength">The payload length of its first packet.</param>
    /// <param name="Header">The first payload byte (command, or OK/ERR/EOF header), or -1 for an empty payload.</param>
    public readonly record struct Frame(FrameStatus Status, long Length, byte Sequence, int PayloadLength, int Header) : IFrame
    {
        public static Frame Incomplete => new(FrameStatus.Incomplete, 0, 0, 0, -1);

        public static Frame Invalid => new(FrameStatus.Invalid, 0, 0, 0, -1);
    }
}
