using System.IO.Pipelines;
using System.Text;
using Vaurien.Testing.Network;

namespace Vaurien.Protocols.Tests;

/// <summary>The http protocol's framing on in-memory pipes: no sockets, no server.</summary>
public sealed class HttpFramingTests
{
    private static readonly IProtocol Protocol = HttpTests.Http();

    // What the proxy writes in place of a Host line, for the backend of an in-memory connection (127.0.0.1:50001).
    private static readonly int HostLineGrowth = "Host: 127.0.0.1:50001\r\n".Length;

    // The shortest head a request can have ("GET / HTTP/1.1\r\n\r\n" less a little): bounds how many heads a stream holds.
    private const int ShortestHead = 16;

    // Whole messages, which keep a connection going.
    private static readonly string[] Requests =
    [
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\n\r\n",
        "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Trailer: t\r\n\r\n", "POST /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
    ];

    private static readonly string[] Responses =
    [
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "HTTP/1.1 204 No Content\r\n\r\n", "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", "HTTP/1.1 100 Continue\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\n!",
    ];

    // Messages and pieces that end a connection: by closing, tunnelling, or not being HTTP.
    private static readonly string[] Rare =
    [
        "GET / HTTP/1.0\r\n\r\n", "CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\n\r\n", "GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
        "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", "POST / HTTP/1.1\r\nContent-Length: 99999999999999\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "5\r\nhello\r\n", "FFFFFFFFFFFFFFFFFFFF\r\n", "zz\r\n", "Host: b\r\n", "HTTP/1.1 101 Switching Protocols\r\n\r\n", "HTTP/1.0 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", "HTTP/2.0 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
    ];

    private static readonly string[] Noise = ["\r\n", "\n", "\r", ": x\r\n", " \r\n", "\0"];

    [Fact]
    public async Task Fuzz_SeededRandomAndTruncatedInput_OnlyEverEndsCleanly()
    {
        var random = new Random(20261122);
        for (var round = 0; round < 8000; round++)
        {
            var options = new HttpOptions { MaxHeader = 1024, Buffer = 512, OverwriteHostHeader = random.Next(2) == 0 };
            var connection = new InMemoryConnection(options, passThrough: random.Next(2) == 0) { AnswerEvery = random.Next(4) };
            var fromClient = Garbage(random, Requests);
            var fromBackend = Garbage(random, Responses);

            // Returning is the clean close; an exception or a hang fails the round.
            var (toClient, toBackend) = await FramingFuzz.RunWholeAsync(Protocol, connection, fromClient, fromBackend);

            // Nothing is made up: the backend gets at most the client's bytes (each Host line rewritten), and back.
            Assert.InRange(toBackend, 0, fromClient.Length + (HostLineGrowth * ((fromClient.Length / ShortestHead) + 1)));
            Assert.InRange(toClient, 0, fromBackend.Length);
        }
    }

    [Fact]
    public async Task Frame_ChunkedUploadWithExtensionsAndTrailers_PassesAsItIsAndIsOneExchange()
    {
        var requests = "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;name=v\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Sum: 1\r\n\r\n"
            + "GET /next HTTP/1.1\r\nHost: a\r\n\r\n";
        var responses = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext";

        var (toBackend, toClient, exchanges) = await RunAsync(requests, responses, new HttpOptions { OverwriteHostHeader = false });

        Assert.Equal(requests, toBackend);
        Assert.Equal(responses, toClient);
        Assert.Equal(2, exchanges);
    }

    [Fact]
    public async Task Frame_EveryKindOfResponseBody_StaysInStepWithItsRequest()
    {
        // HEAD, 204 and 304 have no body whatever their headers say; 100 Continue comes before the real response;
        // an HTTP/1.0 response without a length runs until the backend closes.
        var requests = "GET /a HTTP/1.1\r\n\r\nHEAD /b HTTP/1.1\r\n\r\nGET /c HTTP/1.1\r\n\r\nGET /d HTTP/1.1\r\n\r\n"
            + "POST /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nxyzGET /f HTTP/1.1\r\n\r\n";
        var responses = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n"
            + "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
            + "HTTP/1.0 200 OK\r\n\r\nuntil the backend closes";

        var (toBackend, toClient, exchanges) = await RunAsync(requests, responses, new HttpOptions());

        Assert.Equal(requests, toBackend);
        Assert.Equal(responses, toClient);
        Assert.Equal(6, exchanges);
    }

    [Fact]
    public async Task Frame_ConnectionClose_EndsTheConnectionAfterTheResponse()
    {
        var requests = "GET /a HTTP/1.1\r\nConnection: close\r\n\r\nGET /never HTTP/1.1\r\n\r\n";
        var responses = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

        var (toBackend, toClient, exchanges) = await RunAsync(requests, responses, new HttpOptions(), completeBackend: false);

        Assert.Equal("GET /a HTTP/1.1\r\nConnection: close\r\n\r\n", toBackend);
        Assert.Equal(responses, toClient);
        Assert.Equal(1, exchanges);
    }

    [Fact]
    public async Task Frame_AnsweredRequest_ClosesWithoutReachingTheBackend()
    {
        var connection = new InMemoryConnection(new HttpOptions(), passThrough: false) { AnswerEvery = 1 };
        var backendGot = FramingFuzz.DrainAsync(connection.ToBackend);

        // The client's stream stays open: only the answer can end the connection.
        var run = Protocol.RunAsync(connection);
        await connection.FromClient.WriteAsync("POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\nunread body"u8.ToArray());
        await run.WaitAsync(TestTimeouts.Network);
        await ((IDuplexPipe)connection.Backend).Output.CompleteAsync();

        Assert.Equal(0, await backendGot.WaitAsync(TestTimeouts.Network));
        Assert.Equal(1, connection.Exchanges);
    }

    [Fact]
    public async Task Frame_BodyLongerThanAnyBuffer_IsStreamedAsItComes()
    {
        var connection = new InMemoryConnection(new HttpOptions { MaxHeader = 1024, Buffer = 512 }, passThrough: false);
        var head = "POST / HTTP/1.1\r\nContent-Length: 1000000000000\r\n\r\n";
        var run = Protocol.RunAsync(connection);
        var chunk = new byte[64 * 1024];

        // A terabyte announced: far more than could ever be gathered. What arrives goes on while the rest is awaited.
        await connection.FromClient.WriteAsync(Encoding.ASCII.GetBytes(head));
        long received = 0;
        for (var i = 0; i < 16; i++)
        {
            await connection.FromClient.WriteAsync(chunk);
            received = await ReadAtLeastAsync(connection.ToBackend, head.Length + ((i + 1L) * chunk.Length), received);
        }

        await connection.FromClient.CompleteAsync();
        await run.WaitAsync(TestTimeouts.Network);

        Assert.Equal(head.Length + (16L * chunk.Length), received);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nX-Long: ", true)]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;", true)]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF", true)]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", true)]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", true)]
    [InlineData("HTTP/1.1 200 OK\r\nX-Long: ", false)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;", false)]
    [InlineData("SSH-2.0-OpenSSH\r\n\r\n", false)]
    public async Task Frame_BeyondMaxHeaderOrNotHttp_ClosesWithoutWaitingForTheRest(string start, bool fromClient)
    {
        var connection = new InMemoryConnection(new HttpOptions { MaxHeader = 4096, Buffer = 512 }, passThrough: false);
        var clientGot = FramingFuzz.DrainAsync(connection.ToClient);
        var backendGot = FramingFuzz.DrainAsync(connection.ToBackend);
        var request = "GET / HTTP/1.1\r\n\r\n";

        // The streams never end: only what the proxy reads can end the connection.
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

        // At most a head that was whole, never the oversized part.
        Assert.InRange(await clientGot.WaitAsync(TestTimeouts.Network), 0, start.Length + 2);
        Assert.InRange(await backendGot.WaitAsync(TestTimeouts.Network), 0, Math.Max(request.Length, start.Length) + 2);
    }

    // Runs a whole connection with every byte of both sides already sent; returns what each side received.
    private static async Task<(string ToBackend, string ToClient, int Exchanges)> RunAsync(string requests, string responses, HttpOptions options, bool completeBackend = true)
    {
        var connection = new InMemoryConnection(options, passThrough: false);
        var clientGot = FramingFuzz.ReadAllAsync(connection.ToClient);
        var backendGot = FramingFuzz.ReadAllAsync(connection.ToBackend);
        await connection.FromBackend.WriteAsync(Encoding.ASCII.GetBytes(responses));
        if (completeBackend)
        {
            await connection.FromBackend.CompleteAsync();
        }

        await connection.FromClient.WriteAsync(Encoding.ASCII.GetBytes(requests));
        await connection.FromClient.CompleteAsync();
        await Protocol.RunAsync(connection).WaitAsync(TestTimeouts.Network);
        await ((IDuplexPipe)connection.Client).Output.CompleteAsync();
        await ((IDuplexPipe)connection.Backend).Output.CompleteAsync();
        var toBackend = Encoding.ASCII.GetString(await backendGot.WaitAsync(TestTimeouts.Network));
        var toClient = Encoding.ASCII.GetString(await clientGot.WaitAsync(TestTimeouts.Network));
        return (toBackend, toClient, connection.Exchanges);
    }

    // Mostly the side's own whole messages; now and then random bytes, a stray line, one that ends the connection, or the other side's.
    private static byte[] Garbage(Random random, string[] fragments)
    {
        var bytes = new List<byte>();
        var parts = random.Next(0, 16);
        for (var i = 0; i < parts; i++)
        {
            var pick = random.Next(16);
            if (pick == 0)
            {
                var noise = new byte[random.Next(1, 64)];
                random.NextBytes(noise);
                bytes.AddRange(noise);
            }
            else
            {
                var from = pick switch { 1 => Noise, 2 => Rare, 3 => fragments == Requests ? Responses : Requests, _ => fragments };
                bytes.AddRange(Encoding.ASCII.GetBytes(from[random.Next(from.Length)]));
            }
        }

        // Truncated anywhere, as a stream cut short would be.
        return bytes.Take(random.Next(bytes.Count + 1)).ToArray();
    }

    private static async Task<long> ReadAtLeastAsync(PipeReader reader, long total, long received)
    {
        while (received < total)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Network);
            received += result.Buffer.Length;
            reader.AdvanceTo(result.Buffer.End);
        }

        return received;
    }
}
