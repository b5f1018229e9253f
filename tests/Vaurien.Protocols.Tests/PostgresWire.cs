using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Vaurien.Testing.Network;

namespace Vaurien.Protocols.Tests;

/// <summary>The few PostgreSQL v3 messages the tests write by hand (trust authentication only), and a reader of whole backend messages.</summary>
internal static class PostgresWire
{
    /// <summary>Protocol 3.0, as the StartupMessage's code.</summary>
    private const int ProtocolVersion = 3 << 16;

    /// <summary>A StartupMessage for <paramref name="user"/> on <paramref name="database"/>.</summary>
    public static byte[] Startup(string user = "postgres", string database = "postgres")
    {
        var body = Encoding.UTF8.GetBytes($"user\0{user}\0database\0{database}\0\0");
        var message = new byte[8 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(message, message.Length);
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(4), ProtocolVersion);
        body.CopyTo(message, 8);
        return message;
    }

    /// <summary>The extended-query messages that run <paramref name="sql"/> (unnamed statement and portal), ending with <paramref name="end"/> ('S' or 'H').</summary>
    public static byte[] Extended(string sql, char end) =>
    [
        .. Message('P', Encoding.UTF8.GetBytes($"\0{sql}\0\0\0")), .. Message('B', new byte[8]), .. Message('D', "P\0"u8),
        .. Message('E', new byte[5]), .. Message(end, []),
    ];

    /// <summary>A simple-query message.</summary>
    public static byte[] Query(string sql) => Message('Q', Encoding.UTF8.GetBytes(sql + "\0"));

    /// <summary>A typed message: its type, its length (itself included) and <paramref name="body"/>.</summary>
    public static byte[] Message(char type, ReadOnlySpan<byte> body)
    {
        var message = new byte[5 + body.Length];
        message[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), 4 + body.Length);
        body.CopyTo(message.AsSpan(5));
        return message;
    }

    /// <summary>Connects and starts a session (trust authentication), up to the first ReadyForQuery.</summary>
    public static async Task<Socket> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = await SocketTestExtensions.ConnectLoopbackAsync(endPoint);
        try
        {
            await socket.SendAllAsync(Startup());
            var messages = await ReadUntilReadyAsync(socket);
            Assert.DoesNotContain(messages, m => m.Type == 'E');
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads whole backend messages up to and including the next ReadyForQuery.</summary>
    public static Task<List<(char Type, byte[] Body)>> ReadUntilReadyAsync(Socket socket) => ReadUntilAsync(socket, 'Z');

    /// <summary>Reads whole backend messages up to and including the next one of type <paramref name="last"/>.</summary>
    public static async Task<List<(char Type, byte[] Body)>> ReadUntilAsync(Socket socket, char last)
    {
        var messages = new List<(char Type, byte[] Body)>();
        while (true)
        {
            var header = await socket.ReceiveExactlyAsync(5);
            var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
            var body = length > 4 ? await socket.ReceiveExactlyAsync(length - 4) : [];
            messages.Add(((char)header[0], body));
            if (header[0] == (byte)last)
            {
                return messages;
            }
        }
    }

    /// <summary>The first column of a DataRow, as text.</summary>
    public static string FirstValue(byte[] dataRow)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(dataRow.AsSpan(2));
        return Encoding.UTF8.GetString(dataRow, 6, length);
    }

    /// <summary>One field (S, V, C, M...) of an ErrorResponse or NoticeResponse, or null.</summary>
    public static string? Field(byte[] error, char code)
    {
        var at = 0;
        while (at < error.Length && error[at] != 0)
        {
            var end = Array.IndexOf(error, (byte)0, at + 1);
            if (error[at] == (byte)code)
            {
                return Encoding.UTF8.GetString(error, at + 1, end - at - 1);
            }

            at = end + 1;
        }

        return null;
    }
}
