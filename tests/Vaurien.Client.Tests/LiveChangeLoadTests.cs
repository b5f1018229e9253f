using System.Collections.Concurrent;
using Vaurien.Client.Tests.Support;
using Vaurien.TestHost;
using Xunit.Abstractions;

namespace Vaurien.Client.Tests;

/// <summary>
/// Behavior changes through the API while connections stream through the proxy: every change succeeds, applies from
/// the next exchange, and no connection is lost. Bounded in count (50 connections, 1,000 changes) and in time.
/// </summary>
[Collection(nameof(LoadCollection))]
public class LiveChangeLoadTests(ITestOutputHelper output)
{
    private const int Connections = 50;
    private const int Changes = 1000;

    // After each change, the streams must make this many round trips before the next one: changes and traffic interleave.
    private const int RoundTripsPerChange = 10;

    // Every SampleEvery-th change (and the one after it) is checked on a probe connection, with a delay long enough to measure.
    private const int SampleEvery = 200;
    private static readonly TimeSpan TinySleep = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan SampleSleep = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task ThousandChanges_WhileFiftyConnectionsStream_AllApplyAndNoConnectionIsLost()
    {
        using var deadline = new CancellationTokenSource(Budget);
        var token = deadline.Token;
        await using var backend = new EchoBackend();
        await using var proxy = await VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = backend.Address, Behavior = "dummy" });

        var streams = new List<EchoConnection>();
        using var probe = await EchoConnection.OpenAsync(proxy.ProxyEndPoint, token);
        try
        {
            for (var i = 0; i < Connections; i++)
            {
                streams.Add(await EchoConnection.OpenAsync(proxy.ProxyEndPoint, token));
            }

            using var traffic = new Traffic(Connections);
            var streaming = streams.Select((connection, index) => StreamAsync(connection, index, traffic, token)).ToArray();

            var checks = new List<string>();
            for (var change = 0; change < Changes; change++)
            {
                var delay = change % 2 == 0;
                var sampled = change % SampleEvery is 0 or 1;
                if (delay)
                {
                    var sleep = sampled ? SampleSleep : TinySleep;
                    await proxy.Client.SetBehaviorAsync("delay", new Dictionary<string, object?> { ["sleep"] = sleep.TotalSeconds }, token);
                }
                else
                {
                    await proxy.Client.SetBehaviorAsync("dummy", cancellationToken: token);
                }

                if (sampled)
                {
                    // The next exchange on a connection opened long before the change must see it.
                    var roundTrip = await probe.RoundTripAsync(token);
                    var applied = delay ? roundTrip >= SampleSleep : roundTrip < SampleSleep;
                    checks.Add($"change {change} ({(delay ? "delay" : "dummy")}): probe round trip {roundTrip.TotalMilliseconds:0} ms{(applied ? "" : " NOT APPLIED")}");
                }

                await traffic.WaitForMoreAsync(RoundTripsPerChange, token);
            }

            var progress = traffic.PerConnection();
            traffic.Stop();
            await Task.WhenAll(streaming);
            output.WriteLine(string.Join(Environment.NewLine, checks));
            output.WriteLine($"{traffic.Total} round trips during {Changes} changes; per connection {progress.Min()} to {progress.Max()}");

            Assert.True(traffic.Failures.IsEmpty, "Connections failed: " + string.Join("; ", traffic.Failures.Take(5)));
            Assert.All(progress, n => Assert.True(n > 0, "A connection made no round trip while the behavior changed."));
            Assert.True(traffic.Total >= Changes * RoundTripsPerChange);
            Assert.Equal(Changes / SampleEvery * 2, checks.Count);
            Assert.DoesNotContain(checks, c => c.EndsWith("NOT APPLIED", StringComparison.Ordinal));
            Assert.Equal("dummy", await proxy.Client.GetBehaviorAsync(token));
            Assert.Equal(Connections + 1, backend.Connections);

            // Every connection is still there after the storm, on the same backend connection.
            foreach (var connection in streams)
            {
                await connection.RoundTripAsync(token);
            }

            Assert.Equal(Connections + 1, backend.Connections);
        }
        finally
        {
            foreach (var connection in streams)
            {
                connection.Dispose();
            }
        }
    }

    /// <summary>Round trips until told to stop, each one whole: a stopped connection has nothing in flight.</summary>
    private static async Task StreamAsync(EchoConnection connection, int index, Traffic traffic, CancellationToken deadline)
    {
        var message = new byte[64];
        Random.Shared.NextBytes(message);
        try
        {
            while (!traffic.Stopping)
            {
                await connection.RoundTripAsync(message, deadline);
                traffic.Count(index);
            }
        }
        catch (Exception e)
        {
            traffic.Failures.Enqueue($"connection {index}: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Counts the streams' round trips, and lets the changer wait for more of them (a condition, with the test's deadline).</summary>
    private sealed class Traffic(int connections) : IDisposable
    {
        private readonly long[] _perConnection = new long[connections];
        private readonly SemaphoreSlim _progress = new(0);
        private long _total;
        private int _stopping;

        public ConcurrentQueue<string> Failures { get; } = new();

        public long Total => Interlocked.Read(ref _total);

        public bool Stopping => Volatile.Read(ref _stopping) == 1;

        public void Count(int connection)
        {
            Interlocked.Increment(ref _perConnection[connection]);
            Interlocked.Increment(ref _total);
            _progress.Release();
        }

        public async Task WaitForMoreAsync(int roundTrips, CancellationToken deadline)
        {
            var target = Total + roundTrips;
            while (Total < target)
            {
                if (!Failures.IsEmpty)
                {
                    return;
                }

                await _progress.WaitAsync(deadline);
            }
        }

        public long[] PerConnection() => Enumerable.Range(0, _perConnection.Length).Select(i => Interlocked.Read(ref _perConnection[i])).ToArray();

        public void Stop() => Volatile.Write(ref _stopping, 1);

        public void Dispose() => _progress.Dispose();
    }
}
