using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Vaurien.Behaviors;
using Vaurien.Testing.Network;
using Vaurien.Testing.Servers;
using Xunit.Abstractions;

namespace Vaurien.Protocols.Tests;

[Collection(TimingCollection.Name)]
public sealed class MemcacheTests(MemcacheServer memcached, ITestOutputHelper output) : IClassFixture<MemcacheServer>
{
    private const string InjectedError = "SERVER_ERROR Vaurien injected error\r\n";

    internal static IProtocol Memcache() => Exports.Protocol(typeof(MemcacheOptions).Assembly, "memcache");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Relay_TextProtocolWorkload_IsByteIdenticalToTheDirectConnection(bool framed)
    {
        await using var proxy = await LoopbackProxy.StartAsync(Memcache(), memcached.EndPoint);
        var exchanges = new List<(string? Command, string Response)>();
        if (framed)
        {
            // A behavior that only looks still makes every command an exchange: the framed path.
            proxy.SetBehavior(new DelegateBehavior(after: context =>
            {
                exchanges.Add((context.Command, Encoding.ASCII.GetString(context.Data.ToArray())));
                return ValueTask.CompletedTask;
            }));
        }

        var script = Workload();

        // The same commands twice from the same state (the script deletes its keys first), then through the proxy.
        await ExchangeAsync(memcached.EndPoint, script);
        var direct = await ExchangeAsync(memcached.EndPoint, script);
        var proxied = await ExchangeAsync(proxy.EndPoint, script);

        Assert.Equal(direct.Length, proxied.Length);
        Assert.True(direct.AsSpan().SequenceEqual(proxied), "The responses through the proxy differ from the direct ones.");
        var text = Encoding.ASCII.GetString(proxied);
        Assert.Contains("VALUE wl-big 0 102400\r\n", text);
        Assert.Contains("VA 5 f0\r\nhello\r\nVA 5\r\nhello\r\nVA 5 s5 kwl-m\r\nhello\r\nMN\r\n", text);
        Assert.EndsWith("MN\r\nSTORED\r\nVA 3\r\nend\r\nVALUE wl-1 0 3\r\nend\r\nEND\r\n", text, StringComparison.Ordinal);
        if (framed)
        {
            // Each response was framed as its own command's, in order, up to the part relayed unframed.
            var unframed = "VA 3\r\nend\r\nVALUE wl-1 0 3\r\nend\r\nEND\r\n";
            Assert.Equal(text[..^unframed.Length], string.Concat(exchanges.Select(e => e.Response)));
            Assert.Contains(exchanges, e => e.Command == "get" && e.Response.StartsWith("VALUE wl-1 0 11\r\npre-one-app\r\n", StringComparison.Ordinal)
                && e.Response.Contains("VALUE wl-big 0 102400\r\n", StringComparison.Ordinal) && e.Response.EndsWith("\r\nEND\r\n", StringComparison.Ordinal));
            Assert.Contains(("shutdown", "ERROR: shutdown not enabled\r\n"), exchanges);
            Assert.Contains(("stats", "END\r\n"), exchanges);
            Assert.Contains(("GET", "ERROR\r\n"), exchanges);
            Assert.Contains(("x", "ERROR\r\n"), exchanges);
            Assert.Contains(("set", "CLIENT_ERROR bad command line format\r\n"), exchanges);
            Assert.Contains(("mn", "VA 5\r\nhello\r\nVA 5 s5 kwl-m\r\nhello\r\nMN\r\n"), exchanges);
            Assert.Equal(4, exchanges.Count(e => e.Command == "set" && e.Response.Length == 0));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Relay_LibmemcachedTools_OutputIsByteIdenticalToTheDirectConnection(bool framed)
    {
        await using var proxy = await StartProxyAsync(framed);

        var directory = Directory.CreateTempSubdirectory("vaurien-memcache-").FullName;
        try
        {
            var big = new byte[100 * 1024];
            new Random(11).NextBytes(big);
            var files = new Dictionary<string, byte[]> { ["mcc-big"] = big, ["mcc-a"] = "alpha"u8.ToArray(), ["mcc-b"] = "beta\r\nEND\r\n"u8.ToArray() };
            foreach (var (name, content) in files)
            {
                await File.WriteAllBytesAsync(Path.Combine(directory, name), content);
                var copy = await ToolAsync("memccp", Servers(proxy.EndPoint), Path.Combine(directory, name));
                Assert.True(copy.ExitCode == 0, $"memccp {name} failed: {copy.Errors}");
            }

            string[] keys = ["mcc-a", "mcc-big", "mcc-missing", "mcc-b"];
            var direct = await ToolAsync("memccat", [Servers(memcached.EndPoint), .. keys]);
            var proxied = await ToolAsync("memccat", [Servers(proxy.EndPoint), .. keys]);

            Assert.Equal(direct.ExitCode, proxied.ExitCode);
            Assert.True(direct.Output.AsSpan().SequenceEqual(proxied.Output), "memccat printed other bytes through the proxy.");
            Assert.True(proxied.Output.AsSpan().IndexOf(big) >= 0, "The 100 KiB value is not in memccat's output.");

            // The binary protocol goes through unframed.
            var binaryDirect = await ToolAsync("memccat", [Servers(memcached.EndPoint), "--binary", .. keys]);
            var binaryProxied = await ToolAsync("memccat", [Servers(proxy.EndPoint), "--binary", .. keys]);
            Assert.True(binaryDirect.Output.AsSpan().SequenceEqual(binaryProxied.Output), "memccat --binary printed other bytes through the proxy.");
            Assert.True(binaryProxied.Output.AsSpan().IndexOf(big) >= 0, "The 100 KiB value is not in memccat --binary's output.");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Relay_Memcslap_FinishesWithoutErrors(bool framed)
    {
        await using var proxy = await StartProxyAsync(framed);

        var slap = await ToolAsync("memcslap", Servers(proxy.EndPoint), "--concurrency=2", "--execute-number=200");
        var printed = Encoding.ASCII.GetString(slap.Output);
        output.WriteLine(printed + slap.Errors);

        Assert.Equal(0, slap.ExitCode);
        Assert.Contains("Time to set", printed);
        Assert.DoesNotContain("rror", printed + slap.Errors);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Quit_ServerClose_ReachesTheClientWithoutItsOwnFin(bool framed)
    {
        await using var proxy = await StartProxyAsync(framed);

        using var client = await proxy.ConnectAsync();
        await client.SendAllAsync("set quit-k 0 0 1\r\nx\r\nquit\r\n"u8.ToArray());

        Assert.Equal("STORED\r\n", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(8)));
        Assert.True(await client.WaitForCloseAsync(), "memcached's close after quit is a FIN through the proxy.");
    }

    [Fact]
    public async Task Exchanges_StatsAndQuietPipeline_AreOneExchangePerCommand()
    {
        var names = new List<string?>();
        await using var proxy = await LoopbackProxy.StartAsync(Memcache(), memcached.EndPoint);
        proxy.SetBehavior(DelegateBehavior.OnRequests(context =>
        {
            lock (names)
            {
                names.Add(context.Command);
            }
        }));
        var request = "stats\r\nms ex-q 2 q\r\nhi\r\nmg ex-q v q\r\nmg ex-none v q\r\nmn\r\nversion\r\n";

        var responses = Encoding.ASCII.GetString(await ExchangeAsync(proxy.EndPoint, Encoding.ASCII.GetBytes(request)));

        Assert.StartsWith("STAT pid ", responses);
        Assert.Matches("\r\nEND\r\nVA 2\r\nhi\r\nMN\r\nVERSION [0-9.]+\r\n$", responses);
        Assert.Equal(["stats", "ms", "mg", "mg", "mn", "version"], names);
    }

    [Fact]
    public async Task ErrorBehavior_RawProtocol_ServerErrorTakesTheCommandsPlaceAndTheConnectionStaysUsable()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Memcache(), memcached.EndPoint);
        await ExchangeAsync(memcached.EndPoint, "set err-a 0 0 5\r\nalpha\r\ndelete err-nr\r\n"u8.ToArray());
        var value = "VALUE err-a 0 5\r\nalpha\r\nEND\r\n";
        using var client = await proxy.ConnectAsync();
        proxy.SetBehavior(Exports.Behavior(typeof(ErrorOptions).Assembly, "error"));

        // A noreply command gets no error (its client reads nothing): the only line is the get's error.
        await client.SendAllAsync("set err-nr 0 0 1 noreply\r\nx\r\nget err-a\r\n"u8.ToArray());
        Assert.Equal(InjectedError, Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(InjectedError.Length)));

        proxy.ClearBehaviors();
        await client.SendAllAsync("get err-a err-nr\r\n"u8.ToArray());
        Assert.Equal(value, Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(value.Length)));
    }

    [Fact]
    public async Task ErrorBehavior_Pipeline_ErrorTakesExactlyItsCommandsPlace()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Memcache(), memcached.EndPoint);
        proxy.SetBehavior(DelegateBehavior.OnRequests(context => context.Command == "get" ? context.ReplyWithErrorAsync() : ValueTask.CompletedTask));

        var responses = await ExchangeAsync(proxy.EndPoint, "set pipe-e 0 0 1\r\n1\r\nget pipe-e\r\nincr pipe-e 1\r\nget pipe-e\r\nmg pipe-e v\r\n"u8.ToArray());

        Assert.Equal("STORED\r\n" + InjectedError + "2\r\n" + InjectedError + "VA 1\r\n2\r\n", Encoding.ASCII.GetString(responses));
    }

    [Fact]
    public async Task ErrorBehavior_LibmemcachedTools_ReportTheFailureAndWorkOnceCleared()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Memcache(), memcached.EndPoint);
        var directory = Directory.CreateTempSubdirectory("vaurien-memcache-").FullName;
        try
        {
            var file = Path.Combine(directory, "err-cp");
            await File.WriteAllTextAsync(file, "copied");
            proxy.SetBehavior(Exports.Behavior(typeof(ErrorOptions).Assembly, "error"));

            var copy = await ToolAsync("memccp", "-v", Servers(proxy.EndPoint), file);
            var cat = await ToolAsync("memccat", "-v", Servers(proxy.EndPoint), "err-cp");
            output.WriteLine($"memccp exit code {copy.ExitCode}, stderr: {copy.Errors}");
            output.WriteLine($"memccat exit code {cat.ExitCode}, stderr: {cat.Errors}");

            // libmemcached reports a set's SERVER_ERROR with its text, and a get's as a miss.
            Assert.NotEqual(0, copy.ExitCode);
            Assert.Contains("SERVER ERROR, Vaurien injected error", copy.Errors);
            Assert.NotEqual(0, cat.ExitCode);
            Assert.Contains("Could not find key 'err-cp'", cat.Errors);

            proxy.ClearBehaviors();
            Assert.Equal(0, (await ToolAsync("memccp", Servers(proxy.EndPoint), file)).ExitCode);
            var works = await ToolAsync("memccat", Servers(proxy.EndPoint), "err-cp");
            Assert.Equal(0, works.ExitCode);
            Assert.Equal("copied", Encoding.ASCII.GetString(works.Output).TrimEnd());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task DelayBehavior_RequestsSentInPieces_AreEachDelayedOnce()
    {
        const int Requests = 8;
        const double Sleep = 0.2;
        await using var proxy = await LoopbackProxy.StartAsync(Memcache(), memcached.EndPoint);
        await ExchangeAsync(memcached.EndPoint, "set delay-k 0 0 4\r\nslow\r\n"u8.ToArray());
        var response = "VALUE delay-k 0 4\r\nslow\r\nEND\r\n";
        using var client = await proxy.ConnectAsync();
        var delay = Exports.Behavior(typeof(DelayOptions).Assembly, "delay");

        // One request through the same path without a delay first, so that the timing below is not the JIT's.
        proxy.SetBehavior(delay, new DelayOptions { Sleep = 0 });
        await client.SendAllAsync("get delay-k\r\n"u8.ToArray());
        Assert.Equal(response, Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(response.Length)));
        proxy.SetBehavior(delay, new DelayOptions { Sleep = Sleep });

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Requests; i++)
        {
            foreach (var piece in new[] { "ge", "t dela", "y-k\r", "\n" })
            {
                await client.SendAllAsync(Encoding.ASCII.GetBytes(piece));

                // Traffic shaping, not synchronisation: the pause makes each piece its own TCP read at the proxy.
                await Task.Delay(5);
            }

            Assert.Equal(response, Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(response.Length)));
        }

        clock.Stop();
        output.WriteLine($"{Requests} requests in {clock.Elapsed.TotalSeconds:F3} s");
        TimingCollection.AssertEachDelayedOnce(clock.Elapsed, Requests, Sleep);
    }

    [Fact]
    public async Task TransientBehavior_AgitateTwo_FailsTheFirstTwoRequestsThenWorks()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Memcache(), memcached.EndPoint);
        await ExchangeAsync(memcached.EndPoint, "set tr-k 0 0 2\r\nok\r\n"u8.ToArray());
        var value = "VALUE tr-k 0 2\r\nok\r\nEND\r\n";
        using var client = await proxy.ConnectAsync();
        proxy.SetBehavior(Exports.Behavior(typeof(TransientOptions).Assembly, "transient"), new TransientOptions { Agitate = 2 });

        var received = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            await client.SendAllAsync("get tr-k\r\n"u8.ToArray());
            var length = i < 2 ? InjectedError.Length : value.Length;
            received.Add(Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(length)));
        }

        Assert.Equal([InjectedError, InjectedError, value, value], received);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Frame_ResponseSplitAnywhere_IsRelayedWhole(bool framed)
    {
        // A backend that cuts its responses inside a line, inside a data block and between a data block and its CRLF.
        string[][] pieces = [["VALUE k 0 5\r", "\nhel", "lo", "\r", "\nEN", "D\r\n"], ["VA 5 f0\r\nhello", "\r\n"], ["STAT a 1\r\nST", "AT b 2\r", "\nEND\r\n"]];
        await using var backend = LoopbackServer.Start(async (socket, cancellationToken) =>
        {
            var buffer = new byte[256];
            foreach (var response in pieces)
            {
                // One command per response; the client sends the next one only once it has this one's response.
                await socket.ReceiveOnceAsync(buffer);
                foreach (var piece in response)
                {
                    await socket.SendAllAsync(Encoding.ASCII.GetBytes(piece));

                    // Traffic shaping, not synchronisation: each piece arrives at the proxy as its own read.
                    await Task.Delay(20, cancellationToken);
                }
            }
        });
        await using var proxy = await StartProxyAsync(framed, backend.EndPoint);
        using var client = await proxy.ConnectAsync();

        foreach (var (command, response) in new[] { "get k\r\n", "mg k v\r\n", "stats\r\n" }.Zip(pieces, (c, r) => (c, string.Concat(r))))
        {
            await client.SendAllAsync(Encoding.ASCII.GetBytes(command));
            Assert.Equal(response, Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(response.Length)));
        }
    }

    [Theory]
    [InlineData("set huge 0 0 999999\r\nxx")]
    [InlineData("ms huge 999999 T0\r\nxx")]
    [InlineData("get huge\r\nbogus")]
    public async Task Frame_BeyondMaxFrameOrLine_ClosesCleanlyAndTheServerStaysUsable(string start)
    {
        await using var proxy = await LoopbackProxy.StartAsync(Memcache(), memcached.EndPoint, new LoopbackProxyOptions { ProtocolOptions = new MemcacheOptions { MaxFrame = 4096 } });
        using (var client = await proxy.ConnectAsync())
        {
            // The last case is a line with no end beyond 2048 bytes, as memcached itself would close on.
            var tail = start.EndsWith("bogus", StringComparison.Ordinal) ? new string('b', 3000) : "";
            await client.SendAllAsync(Encoding.ASCII.GetBytes(start + tail));

            Assert.True(await client.WaitForCloseAsync(), "A frame too large is a FIN, not a reset.");
        }

        Assert.Matches("^VERSION ", Encoding.ASCII.GetString(await ExchangeAsync(proxy.EndPoint, "version\r\n"u8.ToArray())));
    }

    // Every kind of command once, responses of every shape; nothing in it depends on time or on cas numbers.
    private static byte[] Workload()
    {
        var big = new string('v', 100 * 1024);
        var script = new StringBuilder();
        script.Append("delete wl-1\r\ndelete wl-2\r\ndelete wl-3\r\ndelete wl-big\r\ndelete wl-nr\r\ndelete wl-n\r\ndelete wl-m\r\n");
        script.Append("set wl-1 0 0 3\r\none\r\nadd wl-2 5 0 3\r\ntwo\r\nadd wl-2 0 0 1\r\nx\r\nreplace wl-3 0 0 1\r\nx\r\nset wl-3 7 0 0\r\n\r\n");
        script.Append("append wl-1 0 0 4\r\n-app\r\nprepend wl-1 0 0 4\r\npre-\r\n");
        script.Append($"set wl-big 0 0 {big.Length}\r\n{big}\r\nset wl-nr 0 0 2 noreply\r\nnr\r\n");
        script.Append("get wl-1 wl-2 wl-3 wl-missing wl-big wl-nr\r\n");
        script.Append("set wl-n 0 0 1\r\n5\r\nincr wl-n 10\r\ndecr wl-n 3\r\nincr wl-missing 1\r\ntouch wl-1 100\r\ndelete wl-2\r\ndelete wl-2\r\n");
        script.Append("ms wl-m 5 T0\r\nhello\r\nmg wl-m v f\r\nmg wl-m v q\r\nmg wl-missing v q\r\nmg wl-m s v q k\r\nmn\r\n");
        script.Append("ma wl-n v\r\nmd wl-m q\r\nmn\r\nmg wl-m v\r\nma wl-missing\r\nbogus command\r\nset wl-bad 0 0 x\r\nversion\r\nverbosity 0\r\n");
        script.Append("set wl-x 0 0 x noreply\r\nincr wl-n abc noreply\r\nset " + new string('k', 300) + " 0 0 1 noreply\r\nx\r\n");
        script.Append("set wl-c 0 0 1 noreply\r\nxyz\r\nstats detail dump\r\nstats nonsense\r\n  get wl-n\r\nGET wl-n\r\nshutdown\r\n");
        script.Append("flush_all 0 noreply\r\nmn\r\nset wl-1 0 0 3\r\nend\r\n");

        // A quiet command followed by another than mn: from here the connection is relayed unframed.
        script.Append("mg wl-1 v q\r\nget wl-1\r\n");
        return Encoding.ASCII.GetBytes(script.ToString());
    }

    // framed: a behavior that does nothing still makes every command an exchange, the framed path.
    private async Task<LoopbackProxy> StartProxyAsync(bool framed, IPEndPoint? backend = null)
    {
        var proxy = await LoopbackProxy.StartAsync(Memcache(), backend ?? memcached.EndPoint);
        if (framed)
        {
            proxy.SetBehavior(new DelegateBehavior());
        }

        return proxy;
    }

    private static string Servers(IPEndPoint endPoint) => $"--servers=127.0.0.1:{endPoint.Port}";

    // Sends the request, half-closes, and reads every response up to the server's FIN.
    private static async Task<byte[]> ExchangeAsync(IPEndPoint endPoint, byte[] request)
    {
        using var socket = await SocketTestExtensions.ConnectLoopbackAsync(endPoint);
        await socket.SendAllAsync(request);
        socket.Shutdown(SocketShutdown.Send);
        return await socket.ReceiveToEndAsync();
    }

    // Runs a libmemcached tool as a child process with a deadline; it is killed if it overruns.
    private static async Task<(int ExitCode, byte[] Output, string Errors)> ToolAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        using var cts = new CancellationTokenSource(TestTimeouts.Network);
        try
        {
            using var stdout = new MemoryStream();
            var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout, cts.Token);
            var errors = process.StandardError.ReadToEndAsync(cts.Token);
            await process.WaitForExitAsync(cts.Token);
            await copy;
            return (process.ExitCode, stdout.ToArray(), await errors);
        }
        catch (OperationCanceledException e)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish in time.", e);
        }
    }
}
