using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using Vaurien.Testing.Network;

namespace Vaurien.Protocols.Tests;

/// <summary>The postgres protocol's framing on in-memory pipes: no sockets, no server.</summary>
public sealed class PostgresFramingTests
{
    private static readonly IProtocol Protocol = PostgresTests.Postgres();

    private static readonly byte[][] ClientFragments =
    [
        PostgresWire.Startup(), Untyped(8, 80877103), Untyped(8, 80877104), Untyped(16, 80877102), Untyped(4, 196608), Untyped(99999, 196608),
        PostgresWire.Query("select 1"), PostgresWire.Query(""), Typed('P', "\0select $1\0\0\0"), Typed('B', "\0\0\0\0\0\0\0\0"), Typed('D', "P\0"),
        Typed('E', "\0\0\0\0\0"), Typed('C', "S\0"), Typed('S', ""), Typed('H', ""), Typed('F', "\0\0\0\0"), Typed('d', "1\t2\n"), Typed('c', ""),
        Typed('f', "no\0"), Typed('X', ""), Typed('p', "secret\0"), Header('Q', 2), Header('Q', 999999), Header('d', -5), Header('P', 1 << 30),
    ];

    private static readonly byte[][] BackendFragments =
    [
        "N"u8.ToArray(), "S"u8.ToArray(), "G"u8.ToArray(), Typed('R', "\0\0\0\0"), Typed('R', "\0\0\0\u0003"), Typed('S', "a\0b\0"), Typed('K', "\0\0\0\u0001\0\0\0\u0002"),
        Typed('Z', "I"), Typed('Z', "T"), Typed('Z', "E"), Typed('Z', ""), Typed('T', "\0\0"), Typed('D', "\0\u0001\0\0\0\u00011"), Typed('C', "SELECT 1\0"),
        Typed('1', ""), Typed('2', ""), Typed('3', ""), Typed('n', ""), Typed('s', ""), Typed('I', ""), Typed('E', "SERROR\0C42601\0Mbad\0\0"),
        Typed('N', "SNOTICE\0Mhi\0\0"), Typed('A', "\0\0\0\u0001c\0p\0"), Typed('G', "\0\0\0"), Typed('H', "\0\0\0"), Typed('W', "\0\0\0"),
        Typed('d', "row\n"), Typed('c', ""), Header('D', 999999), Header('T', 3), Header('Z', 1 << 30),
    ];

    [Fact]
    public async Task Fuzz_SeededRandomAndTruncatedInput_OnlyEverEndsCleanly()
    {
        var random = new Random(20261122);
        for (var round = 0; round < 3000; round++)
        {
            var options = new PostgresOptions { MaxFrame = 1024, Buffer = 512 };
            var connection = new InMemoryConnection(options, passThrough: random.Next(2) == 0) { AnswerEvery = random.Next(4) };

            // Mostly a real start (so the typed phase is reached), then anything, cut anywhere.
            var fromClient = Garbage(random, random.Next(4) == 0 ? [] : PostgresWire.Startup(), ClientFragments);
            var fromBackend = Garbage(random, random.Next(4) == 0 ? [] : [.. Typed('R', "\0\0\0\0"), .. Typed('Z', "I")], BackendFragments);

            // Returning is the clean close; an exception or a hang fails the round.
            var (toClient, toBackend) = await FramingFuzz.RunWholeAsync(Protocol, connection, fromClient, fromBackend);

            Assert.InRange(toBackend, 0, fromClient.Length);
            Assert.InRange(toClient, 0, fromBackend.Length);
        }
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public async Task Frame_AnnouncedBeyondMaxFrame_ClosesWithoutWaitingForTheRest(bool fromClient, bool passThrough)
    {
        var options = new PostgresOptions { MaxFrame = 4096, Buffer = 512 };
        var connection = new InMemoryConnection(options, passThrough);
        var backendGot = FramingFuzz.DrainAsync(connection.ToBackend);
        byte[] ready = [.. Typed('R', "\0\0\0\0"), .. Typed('Z', "I")];
        byte[] huge = [.. Header('D', 100000), .. new byte[8192]];

        // The streams never end: only the frame's size can end the connection.
        var run = Protocol.RunAsync(connection);
        await connection.FromClient.WriteAsync(PostgresWire.Startup());
        await connection.FromBackend.WriteAsync(ready);

        // As a client does, it sends on once the backend is ready: the two directions run at once, and a client frame
        // that ends the connection could otherwise overtake the answer still on its way.
        var readyGot = (await ReadAtLeastAsync(connection.ToClient, ready.Length)).Length;
        var clientGot = FramingFuzz.DrainAsync(connection.ToClient);
        await connection.FromClient.WriteAsync(fromClient ? huge : PostgresWire.Query("select 1"));
        if (!fromClient)
        {
            await connection.FromBackend.WriteAsync(huge);
        }

        await run.WaitAsync(TestTimeouts.Network);
        await ((IDuplexPipe)connection.Client).Output.CompleteAsync();
        await ((IDuplexPipe)connection.Backend).Output.CompleteAsync();

        Assert.Equal(ready.Length, readyGot + await clientGot.WaitAsync(TestTimeouts.Network));
        Assert.InRange(await backendGot.WaitAsync(TestTimeouts.Network), PostgresWire.Startup().Length, PostgresWire.Startup().Length + PostgresWire.Query("select 1").Length);
    }

    [Fact]
    public async Task Frame_StartupMessageBeyondMaxFrame_ClosesBeforeTheBackendSeesIt()
    {
        var connection = new InMemoryConnection(new PostgresOptions { MaxFrame = 1024 }, passThrough: true);
        var backendGot = FramingFuzz.DrainAsync(connection.ToBackend);

        await connection.FromClient.WriteAsync(Untyped(1 << 20, 196608));
        await Protocol.RunAsync(connection).WaitAsync(TestTimeouts.Network);
        await ((IDuplexPipe)connection.Backend).Output.CompleteAsync();

        Assert.Equal(0, await backendGot.WaitAsync(TestTimeouts.Network));
    }

    [Fact]
    public async Task Exchange_ExtendedBatchUpToSync_IsOneExchangeAndTheNextRequestWaitsForItsAnswer()
    {
        var connection = new InMemoryConnection(new PostgresOptions(), passThrough: false);
        byte[] ready = [.. Typed('R', "\0\0\0\0"), .. Typed('S', "a\0b\0"), .. Typed('Z', "I")];
        byte[] batch = [.. Typed('P', "\0select 1\0\0\0"), .. Typed('B', "\0\0\0\0\0\0\0\0"), .. Typed('E', "\0\0\0\0\0"), .. Typed('S', "")];
        byte[] answer = [.. Typed('1', ""), .. Typed('2', ""), .. Typed('D', "\0\u0001\0\0\0\u00011"), .. Typed('C', "SELECT 1\0"), .. Typed('Z', "I")];
        var query = PostgresWire.Query("select 2");
        byte[] notice = Typed('N', "SNOTICE\0Mlate\0\0");
        var run = Protocol.RunAsync(connection);

        // As a client does: its requests only once the backend is ready.
        await connection.FromClient.WriteAsync(PostgresWire.Startup());
        await connection.FromBackend.WriteAsync(ready);
        var readyGot = await ReadAtLeastAsync(connection.ToClient, ready.Length);
        var clientGot = FramingFuzz.ReadAllAsync(connection.ToClient);
        byte[] requests = [.. batch, .. query];
        await connection.FromClient.WriteAsync(requests);
        var first = await ReadAtLeastAsync(connection.ToBackend, PostgresWire.Startup().Length + batch.Length);
        var exchangesBeforeAnswer = connection.Exchanges;
        await connection.FromBackend.WriteAsync(answer);
        var second = await ReadAtLeastAsync(connection.ToBackend, query.Length);
        byte[] last = [.. answer, .. notice];
        await connection.FromBackend.WriteAsync(last);
        await connection.FromClient.CompleteAsync();
        await connection.FromBackend.CompleteAsync();
        await run.WaitAsync(TestTimeouts.Network);
        await ((IDuplexPipe)connection.Client).Output.CompleteAsync();

        byte[] expected = [.. PostgresWire.Startup(), .. batch];
        byte[] relayed = [.. answer, .. answer, .. notice];
        Assert.Equal(ready, readyGot);
        Assert.Equal(expected, first);
        Assert.Equal(1, exchangesBeforeAnswer);
        Assert.Equal(query, second);
        Assert.Equal(2, connection.Exchanges);
        Assert.Equal(relayed, await clientGot.WaitAsync(TestTimeouts.Network));
    }

    private static async Task<byte[]> ReadAtLeastAsync(PipeReader reader, int count)
    {
        var result = await reader.ReadAtLeastAsync(count).AsTask().WaitAsync(TestTimeouts.Network);
        var bytes = result.Buffer.ToArray();
        reader.AdvanceTo(result.Buffer.End);
        return bytes;
    }

    private static byte[] Typed(char type, string body) => PostgresWire.Message(type, Encoding.Latin1.GetBytes(body));

    // A message header announcing length (itself included), without the body.
    private static byte[] Header(char type, int length)
    {
        var header = new byte[5];
        header[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), length);
        return header;
    }

    // An untyped startup-phase message of length bytes (at least 8 written) with code.
    private static byte[] Untyped(int length, int code)
    {
        var message = new byte[Math.Clamp(length, 8, 64)];
        BinaryPrimitives.WriteInt32BigEndian(message, length);
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(4), code);
        return message;
    }

    private static byte[] Garbage(Random random, byte[] start, byte[][] fragments)
    {
        var bytes = new List<byte>(start);
        var parts = random.Next(0, 12);
        for (var i = 0; i < parts; i++)
        {
            if (random.Next(4) == 0)
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

        // Truncated anywhere, as a stream cut short would be (mostly after the start, to reach the typed phase).
        var keep = random.Next(2) == 0 ? random.Next(bytes.Count + 1) : random.Next(Math.Min(start.Length, bytes.Count), bytes.Count + 1);
        return bytes.Take(keep).ToArray();
    }
}
