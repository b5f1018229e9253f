using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Vaurien.Behaviors;
using Vaurien.Testing.Network;

namespace Vaurien.Protocols.Tests;

[Collection(TimingCollection.Name)]
public sealed class HttpTests(HttpBackend backend) : IClassFixture<HttpBackend>
{
    private static readonly int[] DefaultErrorCodes = [500, 501, 502, 503];

    internal static IProtocol Http() => Exports.Protocol(typeof(HttpOptions).Assembly, "http");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Relay_KeepAliveWorkload_IsIdenticalToTheDirectConnection(bool framed)
    {
        var exchanges = 0;
        await using var proxy = await LoopbackProxy.StartAsync(Http(), backend.EndPoint);
        if (framed)
        {
            // A behavior that does nothing but count still makes every request an exchange: the framed path.
            proxy.SetBehavior(DelegateBehavior.OnRequests(_ => Interlocked.Increment(ref exchanges)));
        }

        var direct = await WorkloadAsync(backend.EndPoint);
        var proxied = await WorkloadAsync(proxy.EndPoint);

        Assert.Equal(20, proxied.Responses.Count);
        Assert.Equal(framed ? 20 : 0, Volatile.Read(ref exchanges));
        Assert.Equal(direct.Responses, proxied.Responses);
        Assert.Contains(proxied.Responses, r => r.Chunked && r.BodyLength == HttpBackend.LargeSize);
        Assert.Contains(proxied.Responses, r => r.Status == 304);

        // Keep-alive all the way: twenty requests on one client connection, hence one backend connection.
        Assert.Single(direct.Connections);
        Assert.Single(proxied.Connections);
    }

    [Fact]
    public async Task Relay_ThreePipelinedRequestsInOneWrite_ResponsesAreInOrderAndAsDirect()
    {
        var exchanges = 0;
        await using var proxy = await LoopbackProxy.StartAsync(Http(), backend.EndPoint);
        proxy.SetBehavior(DelegateBehavior.OnRequests(_ => Interlocked.Increment(ref exchanges)));
        var host = $"Host: {backend.EndPoint}\r\n";
        var requests = Encoding.ASCII.GetBytes(
            $"GET /text HTTP/1.1\r\n{host}\r\nGET /chunked HTTP/1.1\r\n{host}\r\nGET /text HTTP/1.1\r\n{host}Connection: close\r\n\r\n");

        var direct = Normalized(await ExchangeAsync(backend.EndPoint, requests));
        var proxied = Normalized(await ExchangeAsync(proxy.EndPoint, requests));

        Assert.Equal(direct, proxied);
        Assert.Equal(3, Regex.Count(proxied, "HTTP/1.1 200 OK"));
        Assert.True(proxied.IndexOf("chunk 4;", StringComparison.Ordinal) < proxied.LastIndexOf("hello from kestrel", StringComparison.Ordinal));
        Assert.Equal(3, Volatile.Read(ref exchanges));
    }

    [Fact]
    public async Task HalfClose_ClientEndsItsStreamAfterARequest_TheResponseArrivesThenTheEnd()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Http(), backend.EndPoint);
        proxy.SetBehavior(new DelegateBehavior());
        using var socket = await proxy.ConnectAsync();

        await socket.SendAllAsync("GET /text HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        socket.Shutdown(SocketShutdown.Send);
        var response = Encoding.ASCII.GetString(await socket.ReceiveToEndAsync());

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response);
        Assert.EndsWith("\r\n\r\nhello from kestrel", response);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OverwriteHostHeader_RewritesTheHostToTheBackendOnlyWhenOn(bool overwrite)
    {
        var options = new LoopbackProxyOptions { ProtocolOptions = new HttpOptions { OverwriteHostHeader = overwrite } };
        await using var proxy = await LoopbackProxy.StartAsync(Http(), backend.EndPoint, options);
        using var client = NewClient(proxy.EndPoint);

        var host = await client.GetStringAsync("host");

        Assert.Equal((overwrite ? backend.EndPoint : proxy.EndPoint).ToString(), host);
    }

    [Fact]
    public async Task Upgrade_101_TheRestOfTheConnectionIsRelayedBothWays()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Http(), backend.EndPoint);
        proxy.SetBehavior(new DelegateBehavior());
        using var socket = await proxy.ConnectAsync();
        var pending = new List<byte>();

        await socket.SendAllAsync("GET /upgrade HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n"u8.ToArray());
        var head = Encoding.ASCII.GetString(await ReadHeadAsync(socket, pending));
        await socket.SendAllAsync("ping over the upgraded connection"u8.ToArray());
        var echoed = await ReadExactlyAsync(socket, pending, 33);

        Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", head);
        Assert.Equal("ping over the upgraded connection", Encoding.ASCII.GetString(echoed));
    }

    [Fact]
    public async Task Error_HttpClientSeesA5xxFromTheSet_AndTheNextRequestWorksOnANewConnection()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Http(), backend.EndPoint);
        using var client = NewClient(proxy.EndPoint);
        using var before = await client.GetAsync("text");
        var firstConnection = ConnectionOf(before);

        proxy.SetBehavior(Behavior("error"));
        using var failed = await client.GetAsync("text");
        var text = await failed.Content.ReadAsStringAsync();
        proxy.ClearBehaviors();
        using var after = await client.GetAsync("text");

        Assert.Contains((int)failed.StatusCode, DefaultErrorCodes);
        Assert.True(failed.Headers.ConnectionClose);
        Assert.Equal("text/plain", failed.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Vaurien", text);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("hello from kestrel", await after.Content.ReadAsStringAsync());
        Assert.NotEqual(firstConnection, ConnectionOf(after));
    }

    [Theory]
    [InlineData(1_000, false)]
    [InlineData(1_000, true)]
    [InlineData(300_000, true)]
    public async Task Error_OnAPostWithABody_HttpClientSeesThe5xxNotAReset(int size, bool expectContinue)
    {
        await using var proxy = await LoopbackProxy.StartAsync(Http(), backend.EndPoint);
        proxy.SetBehavior(Behavior("error"));
        using var client = NewClient(proxy.EndPoint);
        using var request = new HttpRequestMessage(HttpMethod.Post, "echo") { Content = new ByteArrayContent(new byte[size]) };
        request.Headers.ExpectContinue = expectContinue;

        using var failed = await client.SendAsync(request);

        Assert.Contains((int)failed.StatusCode, DefaultErrorCodes);
        Assert.Contains("Vaurien", await failed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Error_OnHead_TheResponseHasNoBody()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Http(), backend.EndPoint);
        proxy.SetBehavior(Behavior("error"));

        var response = Encoding.ASCII.GetString(await ExchangeAsync(proxy.EndPoint, "HEAD /text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray()));

        Assert.Matches("^HTTP/1.1 50[0-3] [^\r]+\r\n", response);
        Assert.EndsWith("Connection: close\r\n\r\n", response);
    }

    [Fact]
    public async Task Delay_EightRequestsEachSentInPieces_AreEachDelayedOnce()
    {
        const int Requests = 8;
        const double Sleep = 0.2;
        await using var proxy = await LoopbackProxy.StartAsync(Http(), backend.EndPoint);
        using var socket = await proxy.ConnectAsync();
        var pending = new List<byte>();
        // The head in two pieces, then the body in two: the delay starts once the head is whole, while the body comes.
        string[] pieces = ["POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n", "Content-Length: 5\r\n\r\n", "he", "llo"];

        // A first request, delayed too but untimed, opens the backend connection and warms up both servers and the
        // exchange path: on a loaded machine, compiling it would otherwise count against the first timed request.
        proxy.SetBehavior(Behavior("delay"), new DelayOptions { Sleep = Sleep });
        await socket.SendAllAsync(Encoding.ASCII.GetBytes(string.Concat(pieces)));
        await ReadResponseAsync(socket, pending);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Requests; i++)
        {
            for (var piece = 0; piece < pieces.Length; piece++)
            {
                await socket.SendAllAsync(Encoding.ASCII.GetBytes(pieces[piece]));
                if (piece < pieces.Length - 1)
                {
                    // Traffic shaping, not synchronisation: the pause makes each piece its own TCP segment and read.
                    await Task.Delay(5);
                }
            }

            var response = Encoding.ASCII.GetString(await ReadResponseAsync(socket, pending));
            Assert.StartsWith("HTTP/1.1 200 OK\r\n", response);
            Assert.Contains("\r\n5\r\nhello\r\n0\r\n\r\n", response);
        }

        clock.Stop();
        TimingCollection.AssertEachDelayedOnce(clock.Elapsed, Requests, Sleep);
    }

    [Fact]
    public async Task Transient_AgitateTwo_FailsTheFirstTwoRequestsThenWorks()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Http(), backend.EndPoint);
        proxy.SetBehavior(Behavior("transient"), new TransientOptions { Agitate = 2 });
        using var client = NewClient(proxy.EndPoint);

        using var first = await client.GetAsync("text");
        using var second = await client.GetAsync("text");
        using var third = await client.GetAsync("text");
        using var fourth = await client.GetAsync("text");

        Assert.Contains((int)first.StatusCode, DefaultErrorCodes);
        Assert.Contains((int)second.StatusCode, DefaultErrorCodes);
        Assert.True(first.Headers.ConnectionClose);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal("hello from kestrel", await third.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, fourth.StatusCode);
        Assert.Equal(ConnectionOf(third), ConnectionOf(fourth));
    }

    [Fact]
    public async Task Frame_HeadBeyondMaxHeader_ClosesCleanly()
    {
        var options = new LoopbackProxyOptions { ProtocolOptions = new HttpOptions { MaxHeader = 4096 } };
        await using var proxy = await LoopbackProxy.StartAsync(Http(), backend.EndPoint, options);
        proxy.SetBehavior(new DelegateBehavior());
        using var client = await proxy.ConnectAsync();

        await client.SendAllAsync(Encoding.ASCII.GetBytes("GET /text HTTP/1.1\r\nX-Long: " + new string('a', 8192)));

        Assert.True(await client.WaitForCloseAsync(), "A head too large is a FIN, not a reset.");
    }

    private static IBehavior Behavior(string name) => Exports.Behavior(typeof(ErrorOptions).Assembly, name);

    private static HttpClient NewClient(IPEndPoint endPoint) =>
        // A 100 Continue that never came would hold the body back until the request times out, not one second.
        new(new SocketsHttpHandler { MaxConnectionsPerServer = 1, UseProxy = false, AutomaticDecompression = DecompressionMethods.None, Expect100ContinueTimeout = TestTimeouts.Network })
        {
            BaseAddress = new Uri($"http://{endPoint}/"),
            Timeout = TestTimeouts.Network,
        };

    private static string ConnectionOf(HttpResponseMessage response) => string.Join(",", response.Headers.GetValues("X-Connection"));

    // Twenty keep-alive requests on one connection: every way a body is delimited, both ways.
    private static async Task<(List<Response> Responses, HashSet<string> Connections)> WorkloadAsync(IPEndPoint endPoint)
    {
        using var client = NewClient(endPoint);
        // Echoed while it is still coming: more than the socket and pipe buffers hold, so the proxy must relay the
        // response while it uploads the request, or both sides would wait on each other.
        var upload = new byte[2 * 1024 * 1024];
        new PseudoRandomBytes(7).Fill(upload);
        var responses = new List<Response>();
        var connections = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            using var request = (i % 10) switch
            {
                0 => new HttpRequestMessage(HttpMethod.Get, "text"),
                1 => new HttpRequestMessage(HttpMethod.Get, "chunked"),
                2 => new HttpRequestMessage(HttpMethod.Get, "large"),
                3 => new HttpRequestMessage(HttpMethod.Post, "echo") { Content = new ByteArrayContent(upload) },
                4 => new HttpRequestMessage(HttpMethod.Post, "echo") { Content = new StreamContent(new MemoryStream(upload)) },
                5 => new HttpRequestMessage(HttpMethod.Head, "text"),
                6 => new HttpRequestMessage(HttpMethod.Get, "nocontent"),
                7 => new HttpRequestMessage(HttpMethod.Get, "notmodified") { Headers = { { "If-None-Match", "\"v1\"" } } },
                8 => new HttpRequestMessage(HttpMethod.Get, "large-chunked"),
                _ => new HttpRequestMessage(HttpMethod.Get, "host"),
            };
            if (i % 10 == 4)
            {
                // An upload of unknown length: HttpClient sends it chunked.
                request.Headers.TransferEncodingChunked = true;
            }

            // Once, the body waits for Kestrel's 100 Continue, relayed ahead of the real response.
            request.Headers.ExpectContinue = i == 13 ? true : null;

            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            connections.Add(ConnectionOf(response));
            responses.Add(new Response(
                (int)response.StatusCode,
                response.Content.Headers.ContentType?.ToString(),
                response.Content.Headers.ContentLength,
                response.Headers.TransferEncodingChunked == true,
                response.Headers.ETag?.ToString(),
                body.Length,
                Convert.ToHexString(SHA256.HashData(body))));
        }

        return (responses, connections);
    }

    // Sends the requests and reads every response up to the end of the stream, which the last request (or an error) asks for.
    private static async Task<byte[]> ExchangeAsync(IPEndPoint endPoint, byte[] requests)
    {
        using var socket = await SocketTestExtensions.ConnectLoopbackAsync(endPoint);
        await socket.SendAllAsync(requests);
        return await socket.ReceiveToEndAsync();
    }

    // What differs between two runs of the same responses: the date and the backend's connection id.
    private static string Normalized(byte[] responses) =>
        Regex.Replace(Encoding.ASCII.GetString(responses), "\r\n(Date|X-Connection): [^\r]*", "");

    // One response with a Content-Length or a chunked body (the test bodies hold no "\r\n0\r\n\r\n" of their own).
    private static async Task<byte[]> ReadResponseAsync(Socket socket, List<byte> pending)
    {
        var head = await ReadHeadAsync(socket, pending);
        var text = Encoding.ASCII.GetString(head);
        var length = Regex.Match(text, "\r\nContent-Length: ([0-9]+)\r\n", RegexOptions.IgnoreCase);
        if (length.Success)
        {
            return [.. head, .. await ReadExactlyAsync(socket, pending, int.Parse(length.Groups[1].Value))];
        }

        var body = new List<byte>();
        while (!Encoding.ASCII.GetString([.. body]).EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal))
        {
            body.AddRange(await ReadExactlyAsync(socket, pending, 1));
        }

        return [.. head, .. body];
    }

    private static async Task<byte[]> ReadHeadAsync(Socket socket, List<byte> pending)
    {
        while (true)
        {
            var end = Encoding.ASCII.GetString([.. pending]).IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                return Take(pending, end + 4);
            }

            await ReceiveMoreAsync(socket, pending);
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket socket, List<byte> pending, int count)
    {
        while (pending.Count < count)
        {
            await ReceiveMoreAsync(socket, pending);
        }

        return Take(pending, count);
    }

    private static async Task ReceiveMoreAsync(Socket socket, List<byte> pending)
    {
        var buffer = new byte[4096];
        var received = await socket.ReceiveOnceAsync(buffer);
        if (received == 0)
        {
            throw new EndOfStreamException("The proxy ended the stream mid-response.");
        }

        pending.AddRange(buffer.AsSpan(0, received));
    }

    private static byte[] Take(List<byte> pending, int count)
    {
        var taken = pending.GetRange(0, count).ToArray();
        pending.RemoveRange(0, count);
        return taken;
    }

    private sealed record Response(int Status, string? ContentType, long? ContentLength, bool Chunked, string? ETag, int BodyLength, string BodyHash);
}
