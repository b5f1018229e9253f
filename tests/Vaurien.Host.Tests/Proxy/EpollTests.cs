using System.Net;
using System.Net.Sockets;
using Vaurien.Testing.Network;
using Xunit;

namespace Vaurien.Host.Proxy.Tests;

/// <summary>The socket calls the proxy's own engine makes without .NET's layers (Linux x86-64, where the proxy and its CI run).</summary>
public sealed class EpollTests
{
    [Fact]
    public async Task SetNonBlocking_NothingThere_ReceiveSaysWouldBlockInsteadOfWaiting()
    {
        var (local, peer) = await PairAsync();
        using var _ = local;
        using var __ = peer;

        Epoll.SetNonBlocking(local.SafeHandle);

        Assert.Equal(0, Epoll.Receive(local.SafeHandle, new byte[16], out var status));
        Assert.Equal(SocketError.WouldBlock, status);
    }

    [Fact]
    public async Task SendAndReceive_CarryTheBytes_AndReceiveGetsZeroAfterThePeersFin()
    {
        var (local, peer) = await PairAsync();
        using var _ = local;
        using var __ = peer;
        Epoll.SetNonBlocking(local.SafeHandle);

        Assert.Equal(4, Epoll.Send(local.SafeHandle, "ping"u8, out var sent));
        Assert.Equal(SocketError.Success, sent);
        var echo = new byte[4];
        Assert.Equal(4, await peer.ReceiveAsync(echo.AsMemory()).AsTask().WaitAsync(TestTimeouts.Network));
        Assert.Equal("ping"u8.ToArray(), echo);

        await peer.SendAsync("pong"u8.ToArray());
        peer.Shutdown(SocketShutdown.Send);
        var buffer = new byte[16];
        var got = new List<byte>();
        await WaitFor.ConditionAsync(
            () =>
            {
                var count = Epoll.Receive(local.SafeHandle, buffer, out var status);
                got.AddRange(buffer.AsSpan(0, count).ToArray());
                return status == SocketError.Success && count == 0;
            },
            "the FIN never read as zero",
            TestTimeouts.Network);
        Assert.Equal("pong"u8.ToArray(), got.ToArray());
    }

    [Fact]
    public async Task Send_AfterThePeerReset_FailsAsAReset()
    {
        var (local, peer) = await PairAsync();
        using var _ = local;
        Epoll.SetNonBlocking(local.SafeHandle);
        peer.LingerState = new LingerOption(true, 0);
        peer.Dispose();

        var status = SocketError.Success;
        await WaitFor.ConditionAsync(
            () =>
            {
                Epoll.Send(local.SafeHandle, "late"u8, out status);
                return status != SocketError.Success;
            },
            "sends after the reset kept succeeding",
            TestTimeouts.Network);
        Assert.Equal(TransportEnd.Reset, SocketErrors.Classify(new SocketException((int)status)));
    }

    [Fact]
    public async Task Receive_OnAClosedSocket_ThrowsObjectDisposed_RatherThanReadingItsDescriptor()
    {
        var (local, peer) = await PairAsync();
        using var _ = peer;
        var handle = local.SafeHandle;
        local.Dispose();

        // The descriptor number may already belong to another socket: the held handle is what keeps it from being read.
        var error = Assert.Throws<ObjectDisposedException>(() => Epoll.Receive(handle, new byte[16], out var never));
        Assert.Equal(TransportEnd.Aborted, SocketErrors.Classify(error));
    }

    private static async Task<(Socket Local, Socket Peer)> PairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await peer.ConnectAsync(listener.LocalEndPoint!).WaitAsync(TestTimeouts.Network);
        var local = await listener.AcceptAsync().WaitAsync(TestTimeouts.Network);
        return (local, peer);
    }
}
