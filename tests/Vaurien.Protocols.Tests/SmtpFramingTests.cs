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
            var options = new SmtpOptions { MaxLine = 512 + random.Next(512), Buffer = 512 };
            var connection = new InMemoryConnection(options, passThrough: random.Next(2) == 0) { AnswerEvery = random.Next(4) };
            var fromClient = FramingFuzz.Garbage(random, Fragments, 16);

            // Mostly after a real greeting, so that the session gets past it.
            var fromBackend = random.Next(4) == 0 ? FramingFuzz.Garbage(random, Fragments, 16) : [.. "220 hi\r\n"u8, .. FramingFuzz.Garbage(random, Fragments, 16)];

            var (toClient, toBackend) = await FramingFuzz.RunAsync(Protocol, connection, fromClient, fromBackend, clientPiece: 1 + random.Next(64));

            // Only an answered BDAT adds bytes of the proxy's own: the RSET that cancels the earlier chunks.
            Assert.InRange(toBackend.Length, 0, fromClient.Length + ("RSET\r\n".Length * connection.Exchanges));
            Assert.InRange(toClient.Length, 0, fromBackend.Length);
        }
    }

    [Fact]
    public async Task Data_BodySentByteByByte_IsPartOfOneExchangeAndReachesTheBackendUnchanged()
    {
        // Dot-stuffed lines, a bare-LF "." (not an end for the server either) and then the real end, CRLF.CRLF.
        await AssertRelayedUnchangedAsync(
            "EHLO x\r\nDATA\r\nSubject: s\r\n\r\n..stuffed\r\n.x\r\nabc\n.\nstill body\r\n\r\n.\r\nNOOP\r\n",
            "220 hi\r\n250-hello\r\n250 PIPELINING\r\n354 go ahead\r\n250 stored\r\n250 OK\r\n",
            piece: 1,
            exchanges: 3);
    }

    [Fact]
    public async Task Bdat_ChunkThatLooksLikeCommands_IsStreamedAsPartOfItsExchange() =>
        await AssertRelayedUnchangedAsync("BDAT 12\r\nQUIT\r\nNOOP\r\nBDAT 0 LAST\r\nNOOP\r\n", "220 hi\r\n250 12 octets\r\n250 done\r\n250 OK\r\n", piece: 5, exchanges: 3);

    [Fact]
    public async Task Auth_ChallengesAndAnswers_ArePartOfTheAuthExchange() =>
        await AssertRelayedUnchangedAsync(
            "AUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\nNOOP\r\n",
            "220 hi\r\n334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n235 2.7.0 Authentication successful\r\n250 OK\r\n",
            piece: 4,
            exchanges: 2);

    [Fact]
    public async Task StartTls_AfterTheServersGoAhead_TheRestIsRelayedUnframed() =>
        await AssertRelayedUnchangedAsync("STARTTLS\r\n\u0016\u0003\u0001 not a command\n", "220 hi\r\n220 2.0.0 Ready to start TLS\r\n\u0016\u0003\u0003 not a reply", piece: 7, exchanges: 1);

    [Fact]
    public async Task Bdat_AnsweredAfterAnEarlierChunk_DropsItsChunkAndResetsTheServersTransaction()
    {
        // Every second exchange is answered (InMemoryConnection writes nothing for it): the BDAT LAST.
        var connection = new InMemoryConnection(new SmtpOptions(), passThrough: false) { AnswerEvery = 2 };

        var (toClient, toBackend) = await FramingFuzz.RunAsync(
            Protocol, connection, "BDAT 5\r\nhelloBDAT 5 LAST\r\nworldNOOP\r\n"u8.ToArray(), "220 hi\r\n250 5 octets\r\n250 reset\r\n250 OK\r\n"u8.ToArray(), clientPiece: 3);

        Assert.Equal(3, connection.Exchanges);
        Assert.Equal("BDAT 5\r\nhelloRSET\r\nNOOP\r\n", Encoding.ASCII.GetString(toBackend));
        Assert.Equal("220 hi\r\n250 5 octets\r\n250 OK\r\n", Encoding.ASCII.GetString(toClient));
    }

    [Fact]
    public async Task PassThrough_PipelinedCommands_ReachTheServerTogetherAndTheirRepliesFollowInOrder()
    {
        var connection = new InMemoryConnection(new SmtpOptions(), passThrough: true);
        var received = new StringBuilder();
        var backendGot = CollectAsync(connection.ToBackend, received);
        var clientGot = FramingFuzz.ReadAllAsync(connection.ToClient);
        var run = Protocol.RunAsync(connection);
        await connection.FromBackend.WriteAsync("220 hi\r\n"u8.ToArray());

        await connection.FromClient.WriteAsync("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nNOOP\r\n"u8.ToArray());

        // No reply yet: one command at a time would hold back all but the first.
        await WaitFor.ConditionAsync(() => Snapshot(received) == "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nNOOP\r\n", "the three commands at the server");
        await connection.FromBackend.WriteAsync("250 sender\r\n250 recipient\r\n250 OK\r\n"u8.ToArray());
        await connection.FromBackend.CompleteAsync();
        await connection.FromClient.CompleteAsync();
        await run.WaitAsync(TestTimeouts.Network);
        await ((IDuplexPipe)connection.Client).Output.CompleteAsync();
        await ((IDuplexPipe)connection.Backend).Output.CompleteAsync();
        await backendGot.WaitAsync(TestTimeouts.Network);

        Assert.Equal(0, connection.Exchanges);
        Assert.Equal("220 hi\r\n250 sender\r\n250 recipient\r\n250 OK\r\n", Encoding.ASCII.GetString(await clientGot.WaitAsync(TestTimeouts.Network)));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public async Task Line_BeyondMaxLine_ClosesWithoutWaitingForTheRest(bool fromClient, bool passThrough)
    {
        var connection = new InMemoryConnection(new SmtpOptions { MaxLine = 1024, Buffer = 512 }, passThrough);
        var clientGot = FramingFuzz.ReadAllAsync(connection.ToClient);
        var backendGot = FramingFuzz.ReadAllAsync(connection.ToBackend);

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

        Assert.Equal(fromClient ? "220 hi\r\n" : "", Encoding.ASCII.GetString(await clientGot.WaitAsync(TestTimeouts.Network)));
        Assert.Empty(await backendGot.WaitAsync(TestTimeouts.Network));
    }

    private static string Snapshot(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }

    private static async Task CollectAsync(PipeReader reader, StringBuilder text)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            lock (text)
            {
                text.Append(Encoding.ASCII.GetString(result.Buffer));
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    // Every exchange forwarded: both sides get exactly what the other sent, in the expected number of exchanges.
    private static async Task AssertRelayedUnchangedAsync(string client, string backend, int piece, int exchanges)
    {
        var connection = new InMemoryConnection(new SmtpOptions(), passThrough: false);

        var (toClient, toBackend) = await FramingFuzz.RunAsync(Protocol, connection, Encoding.Latin1.GetBytes(client), Encoding.Latin1.GetBytes(backend), piece);

        Assert.Equal(exchanges, connection.Exchanges);
        Assert.Equal(client, Encoding.Latin1.GetString(toBackend));
        Assert.Equal(backend, Encoding.Latin1.GetString(toClient));
    }
}
