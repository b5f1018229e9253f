using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Vaurien.Testing.Network;

namespace Vaurien.Protocols.Tests;

/// <summary>
/// The MySQL wire from a raw socket, for what the <c>mariadb</c> client cannot show: packets written in pieces,
/// pipelined commands, the binary protocol, exact bytes. The server runs without grant tables, so a handshake
/// response with an empty password is enough.
/// </summary>
internal static class MysqlWire
{
    public const byte ComQuit = 0x01;
    public const byte ComInitDb = 0x02;
    public const byte ComQuery = 0x03;
    public const byte ComFieldList = 0x04;
    public const byte ComPing = 0x0E;
    public const byte ComStmtPrepare = 0x16;
    public const byte ComStmtExecute = 0x17;
    public const byte ComStmtSendLongData = 0x18;
    public const byte ComStmtClose = 0x19;
    public const byte ComStmtReset = 0x1A;

    // LONG_PASSWORD, LONG_FLAG, CONNECT_WITH_DB, LOCAL_FILES, PROTOCOL_41, TRANSACTIONS, SECURE_CONNECTION,
    // MULTI_STATEMENTS, MULTI_RESULTS, PS_MULTI_RESULTS, PLUGIN_AUTH.
    private const uint Capabilities = 0x1 | 0x4 | 0x8 | 0x80 | 0x200 | 0x2000 | 0x8000 | 0x10000 | 0x20000 | 0x40000 | 0x80000;

    /// <summary>Connects and completes the handshake; the socket is then in the command phase.</summary>
    public static async Task<Socket> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = await SocketTestExtensions.ConnectLoopbackAsync(endPoint);
        try
        {
            await ReadPacketAsync(socket);
            await socket.SendAllAsync(HandshakeResponse());
            var (_, ok) = await ReadPacketAsync(socket);
            if (ok[0] != 0x00)
            {
                throw new InvalidOperationException($"The handshake ended with {Convert.ToHexString(ok)}.");
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>One packet: payload length, sequence id, payload.</summary>
    public static byte[] Packet(byte sequence, ReadOnlySpan<byte> payload)
    {
        var packet = new byte[4 + payload.Length];
        packet[0] = (byte)payload.Length;
        packet[1] = (byte)(payload.Length >> 8);
        packet[2] = (byte)(payload.Length >> 16);
        packet[3] = sequence;
        payload.CopyTo(packet.AsSpan(4));
        return packet;
    }

    /// <summary>A command of any size, split as clients split it: full 0xFFFFFF-byte packets, then a shorter (maybe empty) one.</summary>
    public static byte[] SplitCommand(byte command, string argument)
    {
        var payload = (byte[])[command, .. Encoding.UTF8.GetBytes(argument)];
        var packets = new List<byte>();
        byte sequence = 0;
        for (var offset = 0; ; offset += 0xFFFFFF)
        {
            var length = Math.Min(0xFFFFFF, payload.Length - offset);
            packets.AddRange(Packet(sequence++, payload.AsSpan(offset, length)));
            if (length < 0xFFFFFF)
            {
                return [.. packets];
            }
        }
    }

    /// <summary>A command packet (sequence id 0) with a text argument.</summary>
    public static byte[] Command(byte command, string argument = "") => Command(command, Encoding.UTF8.GetBytes(argument));

    /// <summary>A command packet (sequence id 0) with a binary argument.</summary>
    public static byte[] Command(byte command, ReadOnlySpan<byte> argument) => Packet(0, [command, .. argument]);

    /// <summary>COM_STMT_EXECUTE of statement <paramref name="statement"/> with one BIGINT parameter.</summary>
    public static byte[] Execute(uint statement, long value)
    {
        var payload = new byte[4 + 1 + 4 + 1 + 1 + 2 + 8];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, statement);
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(5), 1);
        payload[10] = 1;
        payload[11] = 0x08;
        BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(13), value);
        return Command(ComStmtExecute, payload);
    }

    /// <summary>Reads one packet.</summary>
    public static async Task<(byte Sequence, byte[] Payload)> ReadPacketAsync(Socket socket)
    {
        var header = await socket.ReceiveExactlyAsync(4);
        var length = header[0] | (header[1] << 8) | (header[2] << 16);
        return (header[3], length == 0 ? [] : await socket.ReceiveExactlyAsync(length));
    }

    /// <summary>The ERR packet's code, SQLSTATE and message, as a client would print them.</summary>
    public static string DescribeError(byte[] payload) =>
        payload[0] == 0xFF
            ? $"ERROR {BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(1))} ({Encoding.ASCII.GetString(payload, 4, 5)}): {Encoding.UTF8.GetString(payload, 9, payload.Length - 9)}"
            : $"not an ERR packet: {Convert.ToHexString(payload)}";

    private static byte[] HandshakeResponse()
    {
        var payload = new List<byte>();
        payload.AddRange(BitConverter.GetBytes(Capabilities));
        payload.AddRange(BitConverter.GetBytes(16 * 1024 * 1024));
        payload.Add(33);
        payload.AddRange(new byte[23]);
        payload.AddRange("root\0"u8.ToArray());
        payload.Add(0);
        payload.AddRange("mysql\0"u8.ToArray());
        payload.AddRange("mysql_native_password\0"u8.ToArray());
        return Packet(1, payload.ToArray());
    }
}
