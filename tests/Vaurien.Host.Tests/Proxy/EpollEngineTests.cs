using System.Net;
using System.Net.Sockets;
using Vaurien.Testing.Network;
using Xunit;

namespace Vaurien.Host.Proxy.Tests;

/// <summary>
/// The proxy's own socket engine (Linux x86-64, which is what the proxy and its CI run on); tested whether or not the
/// proxies of this run use it (scripts/test.sh runs the transport tests once more on .NET's engine).
/// </summary>
public sealed class EpollEngineTests
{
    [Fact]
    public void IsEnabled_OnLinuxX64_UnlessTheVariableSaysDotnet()
    {
        var dotnet = Environment.GetEnvironmentVariable(EpollEngine.EngineVariable) == "dotnet";

        Assert.True(Epoll.IsSupported);
        Assert.Equal(!dotnet, EpollEngine.IsEnabled);
        Assert.NotNull(EpollEngine.Pick());
    }

    [Fact]
    public async Task Register_DataArrives_ReadableWakes_AndANonBlockingReadGetsIt()
    {
        var (local, peer) = await PairAsync();
        using var _ = local;
        using var __ = peer;
        using var readiness = EpollEngine.Pick()!.Register((int)local.Handle);

        // Nothing there yet: a wait would wait (a stale registration event may end the first one early).
        var buffer = new byte[16];
        Assert.Equal(SocketError.WouldBlock, Receive(local, buffer).Status);
        var wait = readiness.Readable.WaitAsync().AsTask();
        await peer.SendAsync("ping"u8.ToArray());
        await wait.WaitAsync(TestTimeouts.Network);
        await WaitFor.ConditionAsync(() => Receive(local, buffer) is { Status: SocketError.Success, Count: 4 }, "the read after the event got nothing", TestTimeouts.Network);
        Assert.False(readiness.HungUp);
    }

    [Fact]
    public async Task Register_DataThenFinAlreadyThere_HungUpIsSet_SoTheReadAfterTheDataDoesNotWaitForAnotherEvent()
    {
        var (local, peer) = await PairAsync();
        using var _ = local;
        using var __ = peer;
        await peer.SendAsync("last"u8.ToArray());
        peer.Shutdown(SocketShutdown.Send);
        await WaitFor.ConditionAsync(() => local.Available == 4, "the data never arrived", TestTimeouts.Network);

        using var readiness = EpollEngine.Pick()!.Register((int)local.Handle);

        await readiness.Readable.WaitAsync().AsTask().WaitAsync(TestTimeouts.Network);
        await WaitFor.ConditionAsync(() => readiness.HungUp, "the FIN was not seen", TestTimeouts.Network);
        var buffer = new byte[16];
        Assert.Equal((SocketError.Success, 4), Receive(local, buffer));
        Assert.Equal((SocketError.Success, 0), Receive(local, buffer));
    }

    [Fact]
    public async Task Dispose_FailsTheWaitsUnderWay_AsAClosedSocketsOperations()
    {
        var (local, peer) = await PairAsync();
        using var _ = local;
        using var __ = peer;
        var readiness = EpollEngine.Pick()!.Register((int)local.Handle);
        Assert.Equal(SocketError.WouldBlock, Receive(local, new byte[1]).Status);
        var read = readiness.Readable.WaitAsync().AsTask();

        readiness.Dispose();

        var error = await Assert.ThrowsAsync<SocketException>(() => read.WaitAsync(TestTimeouts.Network));
        Assert.Equal(TransportEnd.Aborted, SocketErrors.Classify(error));
    }

    [Fact]
    public async Task ConnectAsync_ToAListener_ConnectsWithTheRemoteEndPointKnown()
    {
        using var listener = Listen();
        var endPoint = (IPEndPoint)listener.LocalEndPoint!;

        using var socket = await EpollEngine.Pick()!.ConnectAsync(endPoint, CancellationToken.None).WaitAsync(TestTimeouts.Network);

        Assert.True(socket.Connected);
        Assert.Equal(endPoint, socket.RemoteEndPoint);
        using var accepted = await listener.AcceptAsync().WaitAsync(TestTimeouts.Network);
    }

    [Fact]
    public async Task ConnectAsync_ToAnIPv6Listener_ConnectsToo()
    {
        // The socket is made from the native address's family (AF_INET6 is 10 on Linux, not .NET's 23).
        using var listener = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        listener.Listen();
        var endPoint = (IPEndPoint)listener.LocalEndPoint!;

        using var socket = await EpollEngine.Pick()!.ConnectAsync(endPoint, CancellationToken.None).WaitAsync(TestTimeouts.Network);

        Assert.Equal(AddressFamily.InterNetworkV6, socket.AddressFamily);
        Assert.Equal(endPoint, socket.RemoteEndPoint);
        using var accepted = await listener.AcceptAsync().WaitAsync(TestTimeouts.Network);
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_FailsWithConnectionRefused()
    {
        IPEndPoint closed;
        using (var listener = Listen())
        {
            closed = (IPEndPoint)listener.LocalEndPoint!;
        }

        var error = await Assert.ThrowsAsync<SocketException>(() => EpollEngine.Pick()!.ConnectAsync(closed, CancellationToken.None).WaitAsync(TestTimeouts.Network));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    [Fact]
    public async Task TryAccept_NothingPending_SaysWouldBlock_ThenTakesAConnectionOnceOneIsThere()
    {
        using var listener = Listen();
        Epoll.SetNonBlocking(listener.SafeHandle);

        Assert.Null(EpollEngine.TryAccept(listener, out var none));
        Assert.Equal(SocketError.WouldBlock, none);

        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await peer.ConnectAsync(listener.LocalEndPoint!).WaitAsync(TestTimeouts.Network);
        Socket? accepted = null;
        await WaitFor.ConditionAsync(() => (accepted = EpollEngine.TryAccept(listener, out var status)) is not null, "the pending connection was not taken", TestTimeouts.Network);
        using var client = accepted!;
        Assert.Equal(peer.LocalEndPoint, client.RemoteEndPoint);
    }

    [Fact]
    public async Task TryDefer_OnAnEngineThread_RunsTheWorkThereAfterTheCallersCode_AndElsewhereDeclines()
    {
        var (local, peer) = await PairAsync();
        using var _ = local;
        using var __ = peer;
        using var readiness = EpollEngine.Pick()!.Register((int)local.Handle);
        Assert.False(EpollEngine.TryDefer(static state => { }, null));

        var order = new List<string>();
        var deferredRan = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.Equal(SocketError.WouldBlock, Receive(local, new byte[1]).Status);

        // A wait's continuation runs on the engine's thread: the deferred work must come after it has returned.
        var continuation = readiness.Readable.WaitAsync().AsTask().ContinueWith(
            wait =>
            {
                order.Add($"continuation on engine: {EpollEngine.OnEngineThread}");
                order.Add($"deferred: {EpollEngine.TryDefer(state => { order.Add($"ran on engine: {EpollEngine.OnEngineThread}"); deferredRan.SetResult(); }, null)}");
                order.Add("continuation returns");
            },
            TaskContinuationOptions.ExecuteSynchronously);
        await peer.SendAsync("x"u8.ToArray());

        await deferredRan.Task.WaitAsync(TestTimeouts.Network);
        await continuation.WaitAsync(TestTimeouts.Network);
        Assert.Equal(["continuation on engine: True", "deferred: True", "continuation returns", "ran on engine: True"], order);
    }

    [Fact]
    public async Task Defer_OffTheEngine_RunsTheWorkOnTheThreadPool()
    {
        var ran = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        EpollEngine.Defer(static state => ((TaskCompletionSource<bool>)state!).SetResult(Thread.CurrentThread.IsThreadPoolThread), ran);

        Assert.True(await ran.Task.WaitAsync(TestTimeouts.Network));
    }

    private static Socket Listen()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        return listener;
    }

    internal static async Task<(Socket Local, Socket Peer)> PairAsync()
    {
        using var listener = Listen();
        var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await peer.ConnectAsync(listener.LocalEndPoint!).WaitAsync(TestTimeouts.Network);
        var local = await listener.AcceptAsync().WaitAsync(TestTimeouts.Network);
        local.Blocking = false;
        return (local, peer);
    }

    internal static (SocketError Status, int Count) Receive(Socket socket, byte[] buffer)
    {
        var count = socket.Receive(buffer, 0, buffer.Length, SocketFlags.None, out var status);
        return (status, count);
    }
}
