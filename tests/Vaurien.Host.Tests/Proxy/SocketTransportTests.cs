using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Vaurien.Testing.Network;
using Xunit;

namespace Vaurien.Host.Proxy.Tests;

/// <summary>A socket's transport relaying straight to its peer (<see cref="ProtocolConnection.AllowDirectRelay"/>), through a real proxy.</summary>
public sealed class SocketTransportTests
{
    [Fact]
    public async Task AllowDirectRelay_OnTheEngineInPassThrough_ReadsSkipTheProtocol_AndOnceABehaviorIsSetTheyReachItInOrder()
    {
        var protocol = new CountingCopyProtocol();
        await using var backend = LoopbackServer.Echo();
        await using var proxy = await LoopbackProxy.StartAsync(protocol, backend.EndPoint);
        using var client = await proxy.ConnectAsync();

        // The first read may come before the protocol reads at all: then it goes through the protocol.
        Assert.Equal("open", await ExchangeAsync(client, "open"));
        var before = protocol.RequestBytes;

        // Pass-through, the protocol waiting: on the proxy's engine the request goes socket to socket; on .NET's the
        // protocol copies it.
        Assert.Equal("ping", await ExchangeAsync(client, "ping"));
        Assert.Equal(before + (EpollEngine.IsEnabled ? 0 : 4), protocol.RequestBytes);

        // A behavior that may act on reads: from the next read on, the protocol sees every byte again.
        proxy.SetBehavior(new DelegateBehavior());
        Assert.Equal("pong", await ExchangeAsync(client, "pong"));
        Assert.Equal(before + (EpollEngine.IsEnabled ? 4 : 8), protocol.RequestBytes);

        // And back to pass-through: still in order, whichever way each read goes.
        proxy.ClearBehaviors();
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal($"n{i:D2}", await ExchangeAsync(client, $"n{i:D2}"));
        }
    }

    private static async Task<string> ExchangeAsync(Socket client, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        await client.SendAsync(bytes.AsMemory()).AsTask().WaitAsync(TestTimeouts.Network);
        var echo = new byte[bytes.Length];
        var got = 0;
        while (got < echo.Length)
        {
            var n = await client.ReceiveAsync(echo.AsMemory(got)).AsTask().WaitAsync(TestTimeouts.Network);
            Assert.NotEqual(0, n);
            got += n;
        }

        return Encoding.ASCII.GetString(echo);
    }

    // Copies both ways as tcp does, counting the request bytes it was handed itself.
    private sealed class CountingCopyProtocol : IProtocol
    {
        private long _requestBytes;

        public long RequestBytes => Interlocked.Read(ref _requestBytes);

        public async Task RunAsync(ProtocolConnection connection)
        {
            connection.AllowDirectRelay(Direction.ToBackend);
            var responses = CopyAsync(connection.Backend.Input, connection.Client.Output, count: false);
            await CopyAsync(connection.Client.Input, connection.Backend.Output, count: true);
            await responses;
        }

        public ValueTask WriteErrorAsync(ProtocolConnection connection, BehaviorContext exchange, string? message) => ValueTask.CompletedTask;

        private async Task CopyAsync(PipeReader input, PipeWriter output, bool count)
        {
            while (true)
            {
                var result = await input.ReadAsync();
                if (count)
                {
                    Interlocked.Add(ref _requestBytes, result.Buffer.Length);
                }

                foreach (var segment in result.Buffer)
                {
                    output.Write(segment.Span);
                }

                input.AdvanceTo(result.Buffer.End);
                var flush = await output.FlushAsync();
                if (result.IsCompleted || result.IsCanceled || flush.IsCompleted)
                {
                    await output.CompleteAsync();
                    return;
                }
            }
        }
    }
}
