using System.Buffers;
using System.IO.Pipelines;
using Vaurien.Testing.Network;
using Xunit;

namespace Vaurien.Host.Proxy.Tests;

/// <summary>
/// The output a protocol writes to (<see cref="SocketOutput"/>), driven through a real proxy and real sockets by a
/// protocol that does one scripted thing with the client's output.
/// </summary>
public sealed class SocketOutputTests
{
    [Fact]
    public async Task Flush_PeerReadsNothing_WaitsThenCancelPendingFlushWakesIt_AndEverythingStillArrivesBeforeTheFin()
    {
        // Far more than the socket buffers on both ends hold: the flush has to wait for the client to read.
        const long Size = 32L << 20;
        var script = new ScriptedProtocol(async (connection, steps) =>
        {
            var output = connection.Client.Output;
            var source = new PseudoRandomBytes(7);
            for (var written = 0L; written < Size; written += HashedTraffic.ChunkSize)
            {
                source.Fill(output.GetSpan(HashedTraffic.ChunkSize)[..HashedTraffic.ChunkSize]);
                output.Advance(HashedTraffic.ChunkSize);
            }

            var flush = output.FlushAsync();
            steps.Report("flushing", flush.IsCompleted);
            var result = await flush;
            steps.Report("canceled", result.IsCanceled);
            await output.CompleteAsync();
        });
        await using var backend = LoopbackServer.Echo();
        await using var proxy = await LoopbackProxy.StartAsync(script, backend.EndPoint);
        using var client = await proxy.ConnectAsync();

        Assert.False(await script.Step("flushing"), "the flush completed although the client read nothing");
        script.Connection!.Client.Output.CancelPendingFlush();
        Assert.True(await script.Step("canceled"));

        // What was flushed before the cancel goes out whole, then the FIN (the receive ends).
        var received = await HashedTraffic.ReceiveAsync(client).WaitAsync(TestTimeouts.Network);
        Assert.Equal(Size, received.Count);
        Assert.Equal(HashedTraffic.HashOf(7, Size), received.Hash);
    }

    [Fact]
    public async Task CancelPendingFlush_NoFlushWaiting_CancelsTheNextFlushWhoseDataStillGoesOut()
    {
        var script = new ScriptedProtocol(async (connection, steps) =>
        {
            var output = connection.Client.Output;
            output.CancelPendingFlush();
            output.Write("cancelled but sent;"u8);
            steps.Report("first", (await output.FlushAsync()).IsCanceled);
            output.Write("then sent"u8);
            steps.Report("second", (await output.FlushAsync()).IsCanceled);
            await output.CompleteAsync();
        });
        await using var backend = LoopbackServer.Echo();
        await using var proxy = await LoopbackProxy.StartAsync(script, backend.EndPoint);
        using var client = await proxy.ConnectAsync();

        Assert.True(await script.Step("first"));
        Assert.False(await script.Step("second"));
        Assert.Equal("cancelled but sent;then sent", System.Text.Encoding.ASCII.GetString(await client.ReceiveToEndAsync()));
    }

    [Fact]
    public async Task Complete_WithoutFlush_SendsWhatWasWrittenThenTheFin_AndIdleOutputHoldsNoBuffer()
    {
        var script = new ScriptedProtocol(async (connection, steps) =>
        {
            var output = connection.Client.Output;

            // A write of nothing still asks for a span: it must not keep a segment.
            output.Write(ReadOnlySpan<byte>.Empty);
            steps.Report("empty", (await output.FlushAsync()).IsCompleted);
            output.Write("written, never flushed"u8);
            output.Complete();
        });
        await using var backend = LoopbackServer.Echo();
        await using var proxy = await LoopbackProxy.StartAsync(script, backend.EndPoint);
        using var client = await proxy.ConnectAsync();

        Assert.False(await script.Step("empty"));
        Assert.Equal("written, never flushed", System.Text.Encoding.ASCII.GetString(await client.ReceiveToEndAsync()));
        await WaitFor.ConditionAsync(() => proxy.BufferedBytes == 0, "the output to return its segments");
    }

    [Fact]
    public async Task Flush_AfterThePeerReset_ReportsCompletedInsteadOfThrowing()
    {
        var script = new ScriptedProtocol(async (connection, steps) =>
        {
            var output = connection.Client.Output;
            await steps.Step("reset");
            var completed = false;
            var deadline = DateTime.UtcNow + TestTimeouts.Network;

            // The first sends may still be accepted by the kernel; the reset shows within a few.
            while (!completed && DateTime.UtcNow < deadline)
            {
                output.Write(new byte[64 * 1024]);
                var result = await output.FlushAsync();
                completed = result.IsCompleted || result.IsCanceled;
            }

            steps.Report("completed", completed);
        });
        await using var backend = LoopbackServer.Echo();
        await using var proxy = await LoopbackProxy.StartAsync(script, backend.EndPoint);
        var client = await proxy.ConnectAsync();
        await WaitFor.ConditionAsync(() => script.Connection is not null, "the protocol to start");

        client.CloseWithReset();
        script.Report("reset", true);
        Assert.True(await script.Step("completed"));
        await WaitFor.ConditionAsync(() => proxy.ConnectionCount == 0, "the connection to end");
    }

    /// <summary>A protocol that runs one script on the first connection; the script and the test meet at named steps.</summary>
    private sealed class ScriptedProtocol(Func<ProtocolConnection, ScriptedProtocol, Task> script) : IProtocol
    {
        private readonly Dictionary<string, TaskCompletionSource<bool>> _steps = [];

        public ProtocolConnection? Connection { get; private set; }

        public async Task RunAsync(ProtocolConnection connection)
        {
            Connection = connection;
            await script(connection, this);
        }

        public ValueTask WriteErrorAsync(ProtocolConnection connection, BehaviorContext exchange, string? message) => ValueTask.CompletedTask;

        public void Report(string step, bool value) => Source(step).TrySetResult(value);

        public Task<bool> Step(string step) => Source(step).Task.WaitAsync(TestTimeouts.Network);

        private TaskCompletionSource<bool> Source(string step)
        {
            lock (_steps)
            {
                if (!_steps.TryGetValue(step, out var source))
                {
                    source = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _steps[step] = source;
                }

                return source;
            }
        }
    }
}
