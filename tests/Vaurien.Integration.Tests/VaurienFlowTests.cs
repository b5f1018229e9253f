using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Vaurien.Integration.Tests.Support;
using Xunit.Abstractions;

namespace Vaurien.Integration.Tests;

/// <summary>Vaurien's flow through the real host, in front of a real HTTP backend, driven by HttpClient.</summary>
public class VaurienFlowTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static Task<VaurienProcess> StartProxyAsync(int backendPort, params string[] args) =>
        VaurienProcess.StartAsync(["--proxy", "127.0.0.1:0", "--backend", $"127.0.0.1:{backendPort}", .. args]);

    private static HttpClient NewClient(TimeSpan timeout, bool newConnectionEachRequest = false)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = newConnectionEachRequest ? TimeSpan.Zero : Timeout.InfiniteTimeSpan };
        return new HttpClient(handler) { Timeout = timeout };
    }

    [Fact]
    public async Task Dummy_TenRequests_AllSucceed()
    {
        await using var backend = await HttpBackend.StartAsync();
        await using var proxy = await StartProxyAsync(backend.Port, "--behavior", "100:dummy");
        using var client = NewClient(Deadline);
        for (var i = 1; i <= 10; i++)
        {
            var body = await client.GetStringAsync($"http://{proxy.ProxyEndPoint}/");
            Assert.Equal($"hello {i}", body);
        }

        var big = await client.GetStringAsync($"http://{proxy.ProxyEndPoint}/big");
        Assert.Equal(256 * 1024, big.Length);
    }

    [Fact]
    public async Task Blackout_ClientFails_AndBackendIsNeverCalled()
    {
        await using var backend = await HttpBackend.StartAsync();
        await using var proxy = await StartProxyAsync(backend.Port, "--behavior", "100:blackout");
        using var client = NewClient(Deadline);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync($"http://{proxy.ProxyEndPoint}/"));
        Assert.Equal(0, backend.Requests);
    }

    [Fact]
    public async Task Abort_ClientSeesConnectionReset()
    {
        await using var backend = await HttpBackend.StartAsync();
        await using var proxy = await StartProxyAsync(backend.Port, "--behavior", "100:abort");
        using var client = NewClient(Deadline);
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync($"http://{proxy.ProxyEndPoint}/"));
        var socketError = FindSocketError(e);
        Assert.Equal(SocketError.ConnectionReset, socketError);
    }

    [Fact]
    public async Task Hang_ClientTimesOut()
    {
        await using var backend = await HttpBackend.StartAsync();
        await using var proxy = await StartProxyAsync(backend.Port, "--behavior", "100:hang");
        using var client = NewClient(TimeSpan.FromSeconds(1));
        var e = await Assert.ThrowsAsync<TaskCanceledException>(() => client.GetStringAsync($"http://{proxy.ProxyEndPoint}/"));
        Assert.IsType<TimeoutException>(e.InnerException);
        Assert.Equal(0, backend.Requests);
    }

    [Fact]
    public async Task Delay_AddsTheSleep()
    {
        await using var backend = await HttpBackend.StartAsync();
        await using var proxy = await StartProxyAsync(backend.Port, "--behavior", "100:delay", "--behavior-delay-sleep", "0.5");
        using var client = NewClient(Deadline);
        var watch = Stopwatch.StartNew();
        Assert.Equal("hello 1", await client.GetStringAsync($"http://{proxy.ProxyEndPoint}/"));
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task TwentyPercentDelay_DelaysAboutOneExchangeInFive()
    {
        await using var backend = new LineEchoBackend();
        // A long sleep so that scheduling noise on a busy machine (up to half the sleep) never changes the count.
        await using var proxy = await StartProxyAsync(backend.Port, "--behavior", "20:delay", "--behavior-delay-sleep", "1");
        var sleep = TimeSpan.FromSeconds(1);
        const int roundTrips = 250; // two exchanges each: 500 exchanges
        const int workers = 10;
        var delayed = 0;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            for (var i = 0; i < roundTrips / workers; i++)
            {
                var roundTrip = await Ping.RoundTripAsync(proxy.ProxyEndPoint, Deadline);
                Interlocked.Add(ref delayed, Ping.DelayedExchanges(roundTrip, sleep));
            }
        }));

        // 500 exchanges, p = 0.2: mean 100, sd 8.94; the 99.9% two-sided bound is ±3.29 sd.
        output.WriteLine($"{delayed} of 500 exchanges delayed");
        Assert.InRange(delayed, 71, 129);
    }

    [Fact]
    public async Task Seed_MakesTwoRunsIdentical()
    {
        // error makes every pick visible in the bytes: a request answered with 1000 random bytes, or a reply replaced
        // by them; with the same seed, both the picks and the random bytes must repeat exactly.
        await using var backend = new LineEchoBackend();

        async Task<List<string>> RunAsync()
        {
            await using var proxy = await StartProxyAsync(backend.Port, "--seed", "42", "--behavior", "30:error");
            var replies = new List<string>();
            for (var i = 0; i < 40; i++)
            {
                replies.Add(Convert.ToHexString(await Ping.ExchangeAsync(proxy.ProxyEndPoint, Deadline)));
            }

            return replies;
        }

        var first = await RunAsync();
        var second = await RunAsync();
        Assert.Equal(first, second);
        var errored = first.Count(r => r != Convert.ToHexString("pong\n"u8));
        Assert.InRange(errored, 1, 39);
    }

    private static SocketError? FindSocketError(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }

        return null;
    }
}
