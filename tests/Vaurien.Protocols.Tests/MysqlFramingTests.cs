using System.IO.Pipelines;
using System.Text;
using Vaurien.Testing.Behaviors;
using Vaurien.Testing.Network;

namespace Vaurien.Protocols.Tests;

/// <summary>The mysql protocol's framing on in-memory pipes: no sockets, no server.</summary>
public sealed class MysqlFramingTests
{
    private static readonly IProtocol Protocol = MysqlTests.Mysql();

    // A greeting (protocol 10, CLIENT_PROTOCOL_41 | CLIENT_SSL | CLIENT_DEPRECATE_EOF), a handshake response, the OK.
    private static readonly byte[] Greeting = Packet(0, [10, .. "11.0.0\0"u8, 1, 0, 0, 0, .. new byte[8], 0, 0x00, 0x0A, 33, 2, 0, 0x00, 0x01, 21, .. new byte[10], .. new byte[13], .. "mysql_native_password\0"u8]);
    private static readonly byte[] HandshakeResponse = Packet(1, [0x00, 0x02, 0x00, 0x01, 0, 0, 0, 1, 33, .. new byte[23], .. "root\0"u8, 0]);
    private static readonly byte[] HandshakeOk = Packet(2, [0, 0, 0, 2, 0, 0, 0]);

    private static readonly byte[][] ClientFragments =
    [
        Packet(0, [3, .. "SELECT 1"u8]), Packet(0, [1]), Packet(0, [0x16, .. "SELECT ?"u8]), Packet(0, [0x17, 1, 0, 0, 0, 0, 1, 0, 0, 0]),
        Packet(0, [0x19, 1, 0, 0, 0]), Packet(0, [0x18, 1, 0, 0, 0, 0, 0, 7]), Packet(0, [4, .. "t\0"u8]), Packet(0, [9]), Packet(0, [0x0E]),
        Packet(0, [0x11, .. "u\0"u8]), Packet(0, [0x12, 0, 0]), Packet(0, [0x77]), Packet(0, []), Packet(2, "1,x\n"u8), Packet(3, []),
        Packet(1, [0x00, 0x0A, 0, 0, 0, 0, 0, 1, 33, .. new byte[23]]), [0xFF, 0xFF, 0xFF, 0], [0x10, 0, 0], [0xFF, 0xFF, 0x00, 0x00, 3],
    ];

    private static readonly byte[][] BackendFragments =
    [
        Greeting, HandshakeOk, Packet(1, [0, 0, 0, 2, 0, 0, 0]), Packet(1, [0, 0, 0, 0x0A, 0, 0, 0]), Packet(1, [0xFF, 0x48, 0x04, .. "#42000oops"u8]),
        Packet(1, [0xFF, 0xFF, 0xFF, 1, 1, 0]), Packet(1, [1]), Packet(1, [2]), Packet(2, [3, .. "def"u8, 0, 0, 0, 1, (byte)'a']), Packet(3, [0xFE, 0, 0, 2, 0]),
        Packet(3, [0xFE, 0, 0, 0x0A, 0]), Packet(3, [0xFE, 0, 0, 0x40, 0]), Packet(4, [1, (byte)'1']), Packet(4, [0xFB, 0xFB, 0xFB]),
        Packet(1, [0xFB, .. "f.csv"u8]), Packet(1, [0, 1, 0, 0, 0, 2, 0, 1, 0, 0, 0, 0]), Packet(2, [1, 3]), Packet(2, [0xFE, .. "ed25519\0"u8]),
        Packet(1, [0xFC, 0xFF, 0xFF]), Packet(1, [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), [0xFF, 0xFF, 0xFF, 5], [0x00, 0x40, 0x00, 1],
    ];

    [Fact]
    public async Task Fuzz_SeededRandomAndTruncatedInput_OnlyEverEndsCleanly()
    {
        var random = new Random(20261122);
        var exchanges = 0;
        for (var round = 0; round < 3000; round++)
        {
            var options = new MysqlOptions { MaxFrame = 1024, Buffer = 512 };
            var connection = new InMemoryConnection(options, passThrough: random.Next(2) == 0) { AnswerEvery = random.Next(4) };

            // Most rounds get through the handshake, so the command phase is fuzzed too.
            var handshake = random.Next(4) != 0;
            var fromClient = Garbage(random, ClientFragments, handshake ? HandshakeResponse : []);
            var fromBackend = Garbage(random, BackendFragments, handshake ? [.. Greeting, .. HandshakeOk] : []);

            // Returning is the clean close; an exception or a hang fails the round.
            var (toClient, toBackend) = await FramingFuzz.RunWholeAsync(Protocol, connection, fromClient, fromBackend);

            Assert.InRange(toBackend, 0, fromClient.Length);
            Assert.InRange(toClient, 0, fromBackend.Length);
            exchanges += connection.Exchanges;
        }

        // The command phase was reached in many rounds, not only the handshake (an unknown command, COM_QUIT or noise
        // ends framing early, so most rounds have one or two exchanges).
        Assert.InRange(exchanges, 500, int.MaxValue);
    }

    [Theory]
    [InlineData("greeting")]
    [InlineData("command")]
    [InlineData("row")]
    public async Task Frame_AnnouncedBeyondMaxFrame_ClosesWithoutWaitingForTheRest(string where)
    {
        var options = new MysqlOptions { MaxFrame = 4096, Buffer = 512 };
        var connection = new InMemoryConnection(options, passThrough: false);
        var clientGot = FramingFuzz.DrainAsync(connection.ToClient);
        var backendGot = FramingFuzz.DrainAsync(connection.ToBackend);
        byte[] huge = [0xA0, 0x86, 0x01, 0, 3, .. new byte[8192]];

        // The streams never end: only the frame's size can end the connection.
        var run = Protocol.RunAsync(connection);
        if (where == "greeting")
        {
            await connection.FromBackend.WriteAsync(huge);
        }
        else
        {
            await connection.FromBackend.WriteAsync(Concat(Greeting, HandshakeOk));
            await connection.FromClient.WriteAsync(HandshakeResponse);
            byte[] fromClient = where switch
            {
                "command" => huge,
                _ => Packet(0, [3, .. "SELECT 1"u8]),
            };
            await connection.FromClient.WriteAsync(fromClient);
            if (where == "row")
            {
                await connection.FromBackend.WriteAsync(Concat(Packet(1, [1]), huge));
            }
        }

        await run.WaitAsync(TestTimeouts.Network);
        await ((IDuplexPipe)connection.Client).Output.CompleteAsync();
        await ((IDuplexPipe)connection.Backend).Output.CompleteAsync();

        var handshake = Greeting.Length + HandshakeOk.Length;
        Assert.InRange(await clientGot.WaitAsync(TestTimeouts.Network), 0, where == "greeting" ? 0 : handshake + (where == "row" ? 5 : 0));
        Assert.InRange(await backendGot.WaitAsync(TestTimeouts.Network), 0, HandshakeResponse.Length + (where == "row" ? 13 : 0));
    }

    [Fact]
    public async Task Frame_ThousandCommandsInOneWrite_AreThousandExchangesWithResponsesOfEveryShapeInOrder()
    {
        var connection = new InMemoryConnection(new MysqlOptions(), passThrough: false);
        var clientGot = FramingFuzz.ReadAllAsync(connection.ToClient);
        var backendGot = FramingFuzz.ReadAllAsync(connection.ToBackend);
        var commands = Enumerable.Range(0, 1000).SelectMany(i => Packet(0, [3, .. Encoding.ASCII.GetBytes($"SELECT {i}")])).ToArray();

        // The greeting offers CLIENT_DEPRECATE_EOF and the client asks for it: result sets end with an OK (0xFE).
        // An empty result set (no EOF between definitions and the closing OK) tells the two framings apart.
        var responses = Enumerable.Range(0, 1000).SelectMany(i => (i % 4) switch
        {
            0 => Packet(1, [0, 1, 0, 2, 0, 0, 0]),
            1 => [.. Packet(1, [1]), .. Packet(2, [3, .. "def"u8]), .. Packet(3, [1, (byte)'x']), .. Packet(4, [0xFE, 0, 0, 2, 0, 0, 0])],
            2 => [.. Packet(1, [1]), .. Packet(2, [3, .. "def"u8]), .. Packet(3, [0xFE, 0, 0, 2, 0, 0, 0])],
            _ => [.. Packet(1, [0, 0, 0, 0x0A, 0, 0, 0]), .. Packet(2, [0xFF, 0x48, 0x04, .. "#42000no"u8])],
        }).ToArray();

        await connection.FromBackend.WriteAsync(Concat(Greeting, HandshakeOk, responses));
        await connection.FromBackend.CompleteAsync();
        await connection.FromClient.WriteAsync(Concat(HandshakeResponse, commands));
        await connection.FromClient.CompleteAsync();
        await Protocol.RunAsync(connection).WaitAsync(TestTimeouts.Network);
        await ((IDuplexPipe)connection.Client).Output.CompleteAsync();

        Assert.Equal(1000, connection.Exchanges);
        Assert.Equal(Concat(HandshakeResponse, commands), await backendGot.WaitAsync(TestTimeouts.Network));
        Assert.Equal(Concat(Greeting, HandshakeOk, responses), await clientGot.WaitAsync(TestTimeouts.Network));
    }

    [Fact]
    public async Task WriteError_TakesTheNextSequenceIdAndTheOptionsCodeStateAndMessage()
    {
        var options = new MysqlOptions { ErrorCode = 2013, SqlState = "HY", ErrorMessage = "Lost" };
        var connection = new InMemoryConnection(options, passThrough: false);
        var context = new TestBehaviorContext().SetData(Packet(0, [3, .. "SELECT 1"u8]).AsMemory());

        await Protocol.WriteErrorAsync(connection, context, null);
        await Protocol.WriteErrorAsync(connection, context.SetData(Packet(0, [0x19, 1, 0, 0, 0]).AsMemory()), null);
        await Protocol.WriteErrorAsync(connection, context.SetData(Packet(0, [0x0E]).AsMemory()), "custom");
        await ((IDuplexPipe)connection.Client).Output.CompleteAsync();

        // COM_STMT_CLOSE waits for no answer: it gets none.
        byte[] expected = [.. Packet(1, [0xFF, 0xDD, 0x07, .. "#HY000Lost"u8]), .. Packet(1, [0xFF, 0xDD, 0x07, .. "#HY000custom"u8])];
        Assert.Equal(expected, await FramingFuzz.ReadAllAsync(connection.ToClient).WaitAsync(TestTimeouts.Network));
    }

    private static byte[] Packet(byte sequence, ReadOnlySpan<byte> payload) => MysqlWire.Packet(sequence, payload);

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();

    private static byte[] Garbage(Random random, byte[][] fragments, byte[] start)
    {
        var bytes = new List<byte>(start);
        var parts = random.Next(0, 12);
        for (var i = 0; i < parts; i++)
        {
            if (random.Next(5) == 0)
            {
                var noise = new byte[random.Next(1, 64)];
                random.NextBytes(noise);
                bytes.AddRange(noise);
            }
            else
            {
                bytes.AddRange(fragments[random.Next(fragments.Length)]);
            }
        }

        // Truncated anywhere (mostly past the handshake), as a stream cut short would be.
        var keep = random.Next(2) == 0 ? bytes.Count : random.Next(bytes.Count + 1);
        return bytes.Take(keep).ToArray();
    }
}
