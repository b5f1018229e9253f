using System.IO.Pipelines;
using System.Text;
using Vaurien.Testing.Network;

namespace Vaurien.Protocols.Tests;

/// <summary>The smtp protocol's framing on in-memory pipes: no sockets, no server.</summary>
public sealed class SmtpFramingTests
{
    private static readonly IProtocol Protocol = SmtpTests.Smtp();

    private static readonly string[] Fragments =
    [
        "220 hi\r\n", "220-multi\r\n", "250-PIPELINING\r\n", "250 OK\r\n", "354 go\r\n", "334 VXNlcm5hbWU6\r\n", "221 bye\r\n",
        "500 what\r\n", "250\r\n", "2\r\n", "abc\r\n", "EHLO x\r\n", "MAIL FROM:<a@b>\r\n", "RCPT TO:<c@d>\r\n", "DATA\r\n", "NOOP\r\n",
        "RSET\r\n", "BDAT 5\r\n", "BDAT 3 LAST\r\n", "BDAT 99999999999999\r\n", "BDAT x\r\n", "AUTH LOGIN\r\n", "dXNlcg==\r\n",
        "STARTTLS\r\n", "QUIT\r\n", ".\r\n", "..x\r\n", "\r\n.\r\n", ".\n", "\n", "\r", "hello", new string('z', 700),
    ];

    [Fact]
    public async Task Fuzz_SeededRandomAndTruncatedInput_OnlyEverEndsCleanly()
    {
        var random = new Random(20261122);
        for (var round = 0; round < 4000; round++)
        {
            var options = new SmtpOptions { MaxLine = 512, Buffer = 512 };
            var connection = new InMemoryConnection(options, passThrough: random.Next(2) == 0) { AnswerEvery = random.Next(4) };
            var fromClient = Garbage(random);
            // Mostly after a real greeting, so that the session gets past it.
            var fromBackend = random.Next(4) == 0 ? Garbage(random) : [.. "220 hi\r\n"u8, .. Garbage(random)];

            var clientGot = DrainAsync(connection.ToClient);
            var backendGot = DrainAsync(connection.ToBackend);
            await connection.FromClient.WriteAsync(fromClient);
            await connection.FromClient.CompleteAsync();
            await connection.FromBackend.WriteAsync(fromBackend);
            await connection.FromBackend.CompleteAsync();

            // Returning is the clean close; an exception or a hang fails the round.
            await Protocol.RunAsync(connection).WaitAsync(TestTimeouts.Network);
            await ((IDuplexPipe)connection.Client).Output.CompleteAsync();
            await ((IDuplexPipe)connection.Backend).Output.CompleteAsync();

            // Only an answered BDAT adds bytes of the proxy's own: the RSET that cancels the earlier chunks.
            Assert.InRange(await backendGot.WaitAsync(TestTimeouts.Network), 0, fromClient.Length + ("RSET\r\n".Length * connection.Exchanges));
            Assert.InRange(await clientGot.WaitAsync(TestTimeouts.Network), 0, fromBackend.Length);
        }
    }

    [Fact]
    public async Task Data_BodySentByteByByte_IsPartOfOneExchangeAndReachesTheBackendUnchanged()
    {
        // Dot-stuffed lines, a bare-LF "." (not an end for the server either) and then the real end, CRLF.CRLF.
        var client = "EHLO x\r\nDATA\r\nSubject: s\r\n\r\n..stuffed\r\n.x\r\nabc\n.\nstill body\r\n\r\n.\r\nNOOP\r\n";
        var backend = "220 hi\r\n250-hello\r\n250 PIPELINING\r\n354 go ahead\r\n250 stored\r\n250 OK\r\n";

        var run = await RunAsync(new InMemoryConnection(new SmtpOptions(), passThrough: false), client, backend, piece: 1);

        Assert.Equal(3, run.Exchanges);
        Assert.Equal(client, run.ToBackend);
        Assert.Equal(backend, run.ToClient);
    }

    [Fact]
    public async Task Bdat_ChunkThatLooksLikeCommands_IsStreamedAsPartOfItsExchange()
    {
        var client = "BDAT 12\r\nQUIT\r\nNOOP\r\nBDAT 0 LAST\r\nNOOP\r\n";
        var backend = "220 hi\r\n250 12 octets\r\n250 done\r\n250 OK\r\n";

        var run = await RunAsync(new InMemoryConnection(new SmtpOptions(), passThrough: false), client, backend, piece: 5);

        Assert.Equal(3, run.Exchanges);
        Assert.Equal(client, run.ToBackend);
        Assert.Equal(backend, run.ToClient);
    }

    [Fact]
    public async Task Bdat_AnsweredAfterAnEarlierChunk_DropsItsChunkAndResetsTheServersTransaction()
    {
        // Every second exchange is answered (InMemoryConnection writes nothing for it): the BDAT LAST.
        var connection = new InMemoryConnection(new SmtpOptions(), passThrough: false) { AnswerEvery = 2 };

        var run = await RunAsync(connection, "BDAT 5\r\nhelloBDAT 5 LAST\r\nworldNOOP\r\n", "220 hi\r\n250 5 octets\r\n250 reset\r\n250 OK\r\n", piece: 3);

        Assert.Equal(3, run.Exchanges);
        Assert.Equal("BDAT 5\r\nhelloRSET\r\nNOOP\r\n", run.ToBackend);
        Assert.Equal("220 hi\r\n250 5 octets\r\n250 OK\r\n", run.ToClient);
    }

    [Fact]
    public async Task Auth_ChallengesAndAnswers_ArePartOfTheAuthExchange()
    {
        var client = "AUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\nNOOP\r\n";
        var backend = "220 hi\r\n334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n235 2.7.0 Authentication successful\r\n250 OK\r\n";

        var run = await RunAsync(new InMemoryConnection(new SmtpOptions(), passThrough: false), client, backend, piece: 4);

        Assert.Equal(2, run.Exchanges);
        Assert.Equal(client, run.ToBackend);
        Assert.Equal(backend, run.ToClient);
    }

    [Fact]
    public async Task StartTls_AfterTheServersGoAhead_TheRestIsRelayedUnframed()
    {
        var client = "STARTTLS\r\n\u0016\u0003\u0001 not a command\n";
        var backend = "220 hi\r\n220 2.0.0 Ready to start TLS\r\n\u0016\u0003\u0003 not a reply";

        var run = await RunAsync(new InMemoryConnection(new SmtpOptions(), passThrough: false), client, backend, piece: 7);

        Assert.Equal(1, run.Exchanges);
        Assert.Equal(client, run.ToBackend);
        Assert.Equal(backend, run.ToClient);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public async Task Line_BeyondMaxLine_ClosesWithoutWaitingForTheRest(bool fromClient, bool passThrough)
    {
        var connection = new InMemoryConnection(new SmtpOptions { MaxLine = 1024, Buffer = 512 }, passThrough);
        var clientGot = DrainAsync(connection.ToClient);
        var backendGot = DrainAsync(connection.ToBackend);

        // Neither stream ends: only the line's length can end the connection.
        var run = Protocol.RunAsync(connection);
        if (fromClient)
        {
            await connection.FromBackend.WriteAsync("220 hi\r\n"u8.ToArray());
            await connection.FromClient.WriteAsync(Encoding.ASCII.GetBytes("NOOP " + new string('a', 4096)));
        }
        else
        {
            await connection.FromBackend.WriteAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("220-a long greeting\r\n", 100))));
        }

        await run.WaitAsync(TestTimeouts.Network);
        await ((IDuplexPipe)connection.Client).Output.CompleteAsync();
        await ((IDuplexPipe)connection.Backend).Output.CompleteAsync();

        Assert.Equal(fromClient ? 8 : 0, await clientGot.WaitAsync(TestTimeouts.Network));
        Assert.Equal(0, await backendGot.WaitAsync(TestTimeouts.Network));
    }

    // Feeds the backend's bytes, then the client's in pieces of the given size while the protocol runs.
    private static async Task<(string ToClient, string ToBackend, int Exchanges)> RunAsync(InMemoryConnection connection, string client, string backend, int piece)
    {
        var clientGot = ReadAllAsync(connection.ToClient);
        var backendGot = ReadAllAsync(connection.ToBackend);
        await connection.FromBackend.WriteAsync(Encoding.Latin1.GetBytes(backend));
        await connection.FromBackend.CompleteAsync();
        var run = Protocol.RunAsync(connection);
        var bytes = Encoding.Latin1.GetBytes(client);
        for (var i = 0; i < bytes.Length; i += piece)
        {
            await connection.FromClient.WriteAsync(bytes.AsMemory(i, Math.Min(piece, bytes.Length - i)));
        }

        await connection.FromClient.CompleteAsync();
        await run.WaitAsync(TestTimeouts.Network);
        await ((IDuplexPipe)connection.Client).Output.CompleteAsync();
        await ((IDuplexPipe)connection.Backend).Output.CompleteAsync();
        return (Encoding.Latin1.GetString(await clientGot.WaitAsync(TestTimeouts.Network)), Encoding.Latin1.GetString(await backendGot.WaitAsync(TestTimeouts.Network)), connection.Exchanges);
    }

    private static byte[] Garbage(Random random)
    {
        var bytes = new List<byte>();
        var parts = random.Next(0, 16);
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
                bytes.AddRange(Encoding.ASCII.GetBytes(Fragments[random.Next(Fragments.Length)]));
            }
        }

        // Truncated anywhere, as a stream cut short would be.
        return bytes.Take(random.Next(bytes.Count + 1)).ToArray();
    }

    private static async Task<long> DrainAsync(PipeReader reader)
    {
        long total = 0;
        while (true)
        {
            var result = await reader.ReadAsync();
            total += result.Buffer.Length;
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return total;
            }
        }
    }

    private static async Task<byte[]> ReadAllAsync(PipeReader reader)
    {
        var all = new MemoryStream();
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                all.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return all.ToArray();
            }
        }
    }
}
