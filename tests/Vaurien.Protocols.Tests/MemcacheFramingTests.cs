using System.IO.Pipelines;
using System.Text;
using Vaurien.Testing.Behaviors;
using Vaurien.Testing.Network;

namespace Vaurien.Protocols.Tests;

/// <summary>The memcache protocol's framing on in-memory pipes: no sockets, no server.</summary>
public sealed class MemcacheFramingTests
{
    private static readonly IProtocol Protocol = MemcacheTests.Memcache();

    // Latin-1 so that "\u0080" is the binary protocol's magic byte.
    private static readonly byte[][] Fragments =
    [
        .. new[]
        {
            "get a b\r\n", "gets a\r\n", "gat 0 a\r\n", "set k 0 0 3\r\nabc\r\n", "set k 0 0 3 noreply\r\nabc\r\n", "cas k 0 0 1 5\r\nx\r\n",
            "set k 0 0 999999\r\n", "set k 0 0 x\r\n", "append k 0 0 -1\r\n", "ms k 2 q\r\nhi\r\n", "ms k 99999999\r\n", "mg k v q\r\n", "mg k v\r\n",
            "mn\r\n", "stats\r\n", "stats items\r\n", "lru_crawler metadump all\r\n", "quit\r\n", "watch\r\n", "incr k 1 noreply\r\n",
            "delete k\r\n", "version\r\n", "\u0080", "\r\n", "\n", "\r", " ", "STORED\r\n", "VALUE k 0 3\r\nabc\r\n", "VALUE k 0 99999999\r\n",
            "VALUE k 0 x\r\n", "END\r\n", "STAT pid 1\r\n", "ITEM k [3 b; 0 s]\r\n", "key=k exp=-1\r\n", "VA 2 f0\r\nhi\r\n", "VA 999999\r\n",
            "VA -1\r\n", "HD\r\n", "EN\r\n", "NF\r\n", "MN\r\n", "ERROR\r\n", "SERVER_ERROR x\r\n", "CLIENT_ERROR bad data chunk\r\n",
        }.Select(Encoding.Latin1.GetBytes),
    ];

    [Fact]
    public async Task Fuzz_SeededRandomAndTruncatedInput_OnlyEverEndsCleanly()
    {
        var random = new Random(20261122);
        for (var round = 0; round < 10000; round++)
        {
            var options = new MemcacheOptions { MaxFrame = 1024, Buffer = 512 };
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
    [InlineData("set k 0 0 100000\r\n", true)]
    [InlineData("ms k 100000 T0\r\n", true)]
    [InlineData("delete ", true)]
    [InlineData("get ", true)]
    [InlineData("VALUE k 0 100000\r\n", false)]
    [InlineData("VALUE k 0 1\r\na\r\nVALUE k 0 1\r\nb\r\nVALUE k 0 3000\r\n", false)]
    [InlineData("STAT ", false)]
    public async Task Frame_AnnouncedOrGrowingBeyondMaxFrame_ClosesWithoutWaitingForTheRest(string start, bool fromClient)
    {
        var options = new MemcacheOptions { MaxFrame = 4096, Buffer = 512 };
        var connection = new InMemoryConnection(options, passThrough: false);
        var clientGot = FramingFuzz.DrainAsync(connection.ToClient);
        var backendGot = FramingFuzz.DrainAsync(connection.ToBackend);
        var request = start.StartsWith("STAT", StringComparison.Ordinal) ? "stats\r\n" : "get k\r\n";

        // The stream never ends: only the frame's size can end the connection.
        var run = Protocol.RunAsync(connection);
        if (fromClient)
        {
            await connection.FromClient.WriteAsync(Encoding.ASCII.GetBytes(start + new string('a', 8192)));
        }
        else
        {
            await connection.FromClient.WriteAsync(Encoding.ASCII.GetBytes(request));
            await connection.FromBackend.WriteAsync(Encoding.ASCII.GetBytes(start + new string('a', 8192)));
        }

        await run.WaitAsync(TestTimeouts.Network);
        await ((IDuplexPipe)connection.Client).Output.CompleteAsync();
        await ((IDuplexPipe)connection.Backend).Output.CompleteAsync();

        Assert.Equal(0, await clientGot.WaitAsync(TestTimeouts.Network));
        Assert.Equal(fromClient ? 0 : request.Length, await backendGot.WaitAsync(TestTimeouts.Network));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Frame_ThousandCommandsInOneWrite_AreOneExchangeEachWithResponsesInOrder(bool passThrough)
    {
        var connection = new InMemoryConnection(new MemcacheOptions(), passThrough);
        var clientGot = FramingFuzz.ReadAllAsync(connection.ToClient);
        var backendGot = FramingFuzz.ReadAllAsync(connection.ToBackend);
        var commands = new StringBuilder();
        var responses = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            var value = i.ToString();
            var (command, response) = (i % 5) switch
            {
                0 => ($"get k{i} x\r\n", $"VALUE k{i} 0 {value.Length}\r\n{value}\r\nEND\r\n"),
                1 => ($"set k{i} 0 0 {value.Length}\r\n{value}\r\n", "STORED\r\n"),
                2 => ($"mg k{i} v\r\n", $"VA {value.Length}\r\n{value}\r\n"),
                3 => ("stats\r\n", "STAT a 1\r\nSTAT b 2\r\nEND\r\n"),
                _ => ("mg q1 v q\r\nmg q2 v q\r\nmn\r\n", $"VA {value.Length}\r\n{value}\r\nMN\r\n"),
            };
            commands.Append(command).Append(i % 10 == 0 ? "set nr 0 0 1 noreply\r\nx\r\n" : "");
            responses.Append(response);
        }

        await connection.FromBackend.WriteAsync(Encoding.ASCII.GetBytes(responses.ToString()));
        await connection.FromBackend.CompleteAsync();
        await connection.FromClient.WriteAsync(Encoding.ASCII.GetBytes(commands.ToString()));
        await connection.FromClient.CompleteAsync();
        await Protocol.RunAsync(connection).WaitAsync(TestTimeouts.Network);
        await ((IDuplexPipe)connection.Client).Output.CompleteAsync();

        // Each quiet pipeline is three commands; every tenth command has a noreply set after it.
        Assert.Equal(passThrough ? 0 : 800 + (200 * 3) + 100, connection.Exchanges);
        Assert.Equal(commands.ToString(), Encoding.ASCII.GetString(await backendGot.WaitAsync(TestTimeouts.Network)));
        Assert.Equal(responses.ToString(), Encoding.ASCII.GetString(await clientGot.WaitAsync(TestTimeouts.Network)));
    }

    [Theory]
    [InlineData("\u0080\u0000\u0000\u0005gotit", "\u0081response bytes")]
    [InlineData("watch\r\nget k\r\n", "OK\r\nts=1 gid=2 type=item_get\r\n")]
    [InlineData("mg a v q\r\nget k\r\n", "VA 1\r\na\r\nEND\r\n")]
    public async Task Unframed_BinaryWatchOrAnswerAfterQuiet_PassesBothWaysAsItIs(string fromClient, string fromBackend)
    {
        var connection = new InMemoryConnection(new MemcacheOptions(), passThrough: false);
        var clientGot = FramingFuzz.ReadAllAsync(connection.ToClient);
        var backendGot = FramingFuzz.ReadAllAsync(connection.ToBackend);

        await connection.FromClient.WriteAsync(Encoding.Latin1.GetBytes(fromClient));
        await connection.FromClient.CompleteAsync();
        await connection.FromBackend.WriteAsync(Encoding.Latin1.GetBytes(fromBackend));
        await connection.FromBackend.CompleteAsync();
        await Protocol.RunAsync(connection).WaitAsync(TestTimeouts.Network);

        Assert.Equal(fromClient, Encoding.Latin1.GetString(await backendGot.WaitAsync(TestTimeouts.Network)));
        Assert.Equal(fromBackend, Encoding.Latin1.GetString(await clientGot.WaitAsync(TestTimeouts.Network)));
    }

    [Fact]
    public async Task Frame_LongMultiGetLine_IsOneExchange()
    {
        var connection = new InMemoryConnection(new MemcacheOptions(), passThrough: false);
        var backendGot = FramingFuzz.ReadAllAsync(connection.ToBackend);
        var clientGot = FramingFuzz.ReadAllAsync(connection.ToClient);
        var line = "get " + string.Join(' ', Enumerable.Range(0, 400).Select(i => $"key{i}")) + "\r\n";

        await connection.FromClient.WriteAsync(Encoding.ASCII.GetBytes(line));
        await connection.FromClient.CompleteAsync();
        await connection.FromBackend.WriteAsync("END\r\n"u8.ToArray());
        await connection.FromBackend.CompleteAsync();
        await Protocol.RunAsync(connection).WaitAsync(TestTimeouts.Network);
        await ((IDuplexPipe)connection.Client).Output.CompleteAsync();

        // memcached lets only a get (or gets) line run past 2048 bytes.
        Assert.True(line.Length > 2048);
        Assert.Equal(1, connection.Exchanges);
        Assert.Equal(line, Encoding.ASCII.GetString(await backendGot.WaitAsync(TestTimeouts.Network)));
        Assert.Equal("END\r\n", Encoding.ASCII.GetString(await clientGot.WaitAsync(TestTimeouts.Network)));
    }

    [Theory]
    [InlineData("get a\r\n", "SERVER_ERROR two  lines\r\n")]
    [InlineData("set a 0 0 1\r\nx\r\n", "SERVER_ERROR two  lines\r\n")]
    [InlineData("set a 0 0 1 noreply\r\nx\r\n", "")]
    [InlineData("delete a noreply\r\n", "")]
    [InlineData("mg a v q\r\n", "")]
    [InlineData("quit\r\n", "")]
    public async Task WriteError_IsOneServerErrorLine_AndNothingForCommandsThatExpectNoReply(string request, string expected)
    {
        var connection = new InMemoryConnection(new MemcacheOptions(), passThrough: false);
        var context = new TestBehaviorContext().SetData(request);

        await Protocol.WriteErrorAsync(connection, context, "two\r\nlines");
        await ((IDuplexPipe)connection.Client).Output.CompleteAsync();

        Assert.Equal(expected, Encoding.ASCII.GetString(await FramingFuzz.ReadAllAsync(connection.ToClient).WaitAsync(TestTimeouts.Network)));
    }
}
