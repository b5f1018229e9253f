using System.IO.Pipelines;
using System.Text;
using Vaurien.Testing.Network;
using Vaurien.Testing.Servers;

namespace Vaurien.Protocols.Tests;

/// <summary>The redis protocol's framing on in-memory pipes: no sockets, no server.</summary>
public sealed class RedisFramingTests
{
    private static readonly IProtocol Protocol = RedisTests.Redis();

    private static readonly string[] Fragments =
    [
        "*1\r\n$4\r\nPING\r\n", "*2\r\n$3\r\nGET\r\n$1\r\na\r\n", "PING\r\n", "\r\n", "*0\r\n", "*-1\r\n", "$5\r\nhello\r\n",
        "+OK\r\n", "-ERR x\r\n", ":12\r\n", "$-1\r\n", "*-1\r\n", "_\r\n", ",1.5\r\n", "#t\r\n", "(123\r\n", "!3\r\nerr\r\n",
        "=7\r\ntxt:abc\r\n", "%1\r\n+k\r\n:1\r\n", "~2\r\n+a\r\n+b\r\n", ">2\r\n+message\r\n+x\r\n", "|1\r\n+a\r\n+b\r\n",
        "*2\r\n*1\r\n:1\r\n$2\r\nhi\r\n", "$99999999999\r\n", "*99999999\r\n", "$-7\r\n", "*x\r\n", "?\r\n", "\n", "\r",
    ];

    [Fact]
    public async Task Fuzz_SeededRandomAndTruncatedInput_OnlyEverEndsCleanly()
    {
        var random = new Random(20260101);
        for (var round = 0; round < 3000; round++)
        {
            var options = new RedisOptions { MaxFrame = 1024, Buffer = 512 };
            var connection = new InMemoryConnection(options, passThrough: random.Next(2) == 0) { AnswerEvery = random.Next(4) };
            var fromClient = FramingFuzz.Garbage(random, Fragments);
            var fromBackend = FramingFuzz.Garbage(random, Fragments);

            // Returning is the clean close; an exception or a hang fails the round.
            var (toClient, toBackend) = await FramingFuzz.RunWholeAsync(Protocol, connection, fromClient, fromBackend);

            Assert.InRange(toBackend, 0, fromClient.Length);
            Assert.InRange(toClient, 0, fromBackend.Length);
        }
    }

    [Theory]
    [InlineData("*1\r\n$100000\r\n", true)]
    [InlineData("*100000000\r\n", true)]
    [InlineData("GET aaaaaaaa", true)]
    [InlineData("$100000\r\n", false)]
    [InlineData("*2\r\n$70000\r\n", false)]
    public async Task Frame_AnnouncedOrGrowingBeyondMaxFrame_ClosesWithoutWaitingForTheRest(string start, bool fromClient)
    {
        var options = new RedisOptions { MaxFrame = 4096, Buffer = 512 };
        var connection = new InMemoryConnection(options, passThrough: false);
        var clientGot = FramingFuzz.DrainAsync(connection.ToClient);
        var backendGot = FramingFuzz.DrainAsync(connection.ToBackend);

        // The stream never ends: only the frame's size can end the connection.
        var run = Protocol.RunAsync(connection);
        if (fromClient)
        {
            await connection.FromClient.WriteAsync(Encoding.ASCII.GetBytes(start + new string('a', 8192)));
        }
        else
        {
            await connection.FromClient.WriteAsync("PING\r\n"u8.ToArray());
            await connection.FromBackend.WriteAsync(Encoding.ASCII.GetBytes(start + new string('a', 8192)));
        }

        await run.WaitAsync(TestTimeouts.Network);
        await ((IDuplexPipe)connection.Client).Output.CompleteAsync();
        await ((IDuplexPipe)connection.Backend).Output.CompleteAsync();

        Assert.Equal(0, await clientGot.WaitAsync(TestTimeouts.Network));
        Assert.InRange(await backendGot.WaitAsync(TestTimeouts.Network), 0, 6);
    }

    [Fact]
    public async Task Frame_ThousandCommandsInOneWrite_AreThousandExchangesWithRepliesInOrder()
    {
        var connection = new InMemoryConnection(new RedisOptions(), passThrough: false);
        var clientGot = FramingFuzz.ReadAllAsync(connection.ToClient);
        var backendGot = FramingFuzz.ReadAllAsync(connection.ToBackend);
        var commands = string.Concat(Enumerable.Range(0, 1000).Select(i => $"*2\r\n$4\r\nECHO\r\n${i.ToString().Length}\r\n{i}\r\n"));
        var replies = string.Concat(Enumerable.Range(0, 1000).Select(i => i % 2 == 0 ? $"${i.ToString().Length}\r\n{i}\r\n" : $"*2\r\n%1\r\n+k\r\n:{i}\r\n$-1\r\n"));

        await connection.FromBackend.WriteAsync(Encoding.ASCII.GetBytes(replies));
        await connection.FromBackend.CompleteAsync();
        await connection.FromClient.WriteAsync(Encoding.ASCII.GetBytes(commands));
        await connection.FromClient.CompleteAsync();
        await Protocol.RunAsync(connection).WaitAsync(TestTimeouts.Network);
        await ((IDuplexPipe)connection.Client).Output.CompleteAsync();

        Assert.Equal(1000, connection.Exchanges);
        Assert.Equal(commands, Encoding.ASCII.GetString(await backendGot.WaitAsync(TestTimeouts.Network)));
        Assert.Equal(replies, Encoding.ASCII.GetString(await clientGot.WaitAsync(TestTimeouts.Network)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Subscribe_FromThenOnBothWaysGoAsTheyAre_AndTheHostMayRelayThemDirectly(bool passThrough)
    {
        var subscribe = RedisTests.Command("SUBSCRIBE", "news");
        var confirmation = "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n";
        var message = "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n";
        var connection = new InMemoryConnection(new RedisOptions(), passThrough);

        var (toClient, toBackend) = await FramingFuzz.RunAsync(
            Protocol, connection, Encoding.ASCII.GetBytes(subscribe + "PING\r\n"), Encoding.ASCII.GetBytes(confirmation + message));

        Assert.Equal(subscribe + "PING\r\n", Encoding.ASCII.GetString(toBackend));
        Assert.Equal(confirmation + message, Encoding.ASCII.GetString(toClient));
        Assert.Equal([Direction.ToBackend, Direction.ToClient], connection.DirectRelays);
    }

    [Fact]
    public async Task Commands_WhileFramed_AreNeverOfferedForDirectRelay()
    {
        var connection = new InMemoryConnection(new RedisOptions(), passThrough: true);

        var (toClient, toBackend) = await FramingFuzz.RunAsync(
            Protocol, connection, Encoding.ASCII.GetBytes(RedisTests.Command("GET", "a") + RedisTests.Command("PING")), "$1\r\nb\r\n+PONG\r\n"u8.ToArray());

        Assert.Equal("$1\r\nb\r\n+PONG\r\n", Encoding.ASCII.GetString(toClient));
        Assert.Equal(RedisTests.Command("GET", "a") + RedisTests.Command("PING"), Encoding.ASCII.GetString(toBackend));
        Assert.Empty(connection.DirectRelays);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 5)]
    [InlineData(false, 4093)]
    [InlineData(true, 1)]
    [InlineData(true, 7)]
    [InlineData(true, int.MaxValue)]
    public async Task Pipeline_ArrivingInPieces_RelaysEveryCommandAndReplyByteForByte(bool passThrough, int piece)
    {
        // Lengths of 1 to 3 digits, so that numbers end up cut by pieces and by the pipe's segment boundaries.
        // Under the in-memory pipes' 64 KiB pause threshold: the backend's bytes are written before the protocol runs.
        var values = Enumerable.Range(0, 150).Select(i => new string((char)('a' + (i % 26)), (i * 37) % 700)).ToArray();
        var commands = string.Concat(values.Select((v, i) => $"*3\r\n$3\r\nSET\r\n${i.ToString().Length}\r\n{i}\r\n${v.Length}\r\n{v}\r\n"));
        var replies = string.Concat(values.Select((v, i) => i % 3 == 0 ? "+OK\r\n" : $"${v.Length}\r\n{v}\r\n"));
        var connection = new InMemoryConnection(new RedisOptions(), passThrough);

        var (toClient, toBackend) = await FramingFuzz.RunAsync(Protocol, connection, Encoding.ASCII.GetBytes(commands), Encoding.ASCII.GetBytes(replies), piece)
            .WaitAsync(TestTimeouts.Network);

        Assert.Equal(commands, Encoding.ASCII.GetString(toBackend));
        Assert.Equal(replies, Encoding.ASCII.GetString(toClient));
        Assert.Equal(passThrough ? 0 : values.Length, connection.Exchanges);
    }
}
