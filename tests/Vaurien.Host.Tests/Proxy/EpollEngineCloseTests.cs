using System.Net.Sockets;
using Vaurien.Testing.Network;
using Xunit;

namespace Vaurien.Host.Proxy.Tests;

/// <summary>
/// A socket closed without being taken out of the engine's set first (<see cref="SocketReadiness.DisposeBeforeClose"/>).
/// Alone in its collection: it reuses a descriptor number of the whole process.
/// </summary>
[Collection(nameof(DataPathCollection))]
public sealed class EpollEngineCloseTests
{
    [Fact]
    public async Task DisposeBeforeClose_FailsTheWaitsUnderWay_AndTheCloseTakesTheSocketOutOfTheSet()
    {
        var engine = EpollEngine.Pick()!;
        var (local, peer) = await EpollEngineTests.PairAsync();
        using var _ = peer;
        var fd = (int)local.Handle;
        var readiness = engine.Register(fd);
        Assert.Equal(SocketError.WouldBlock, EpollEngineTests.Receive(local, new byte[1]).Status);
        var read = readiness.Readable.WaitAsync().AsTask();

        readiness.DisposeBeforeClose();
        local.Dispose();

        var error = await Assert.ThrowsAsync<SocketException>(() => read.WaitAsync(TestTimeouts.Network));
        Assert.Equal(TransportEnd.Aborted, SocketErrors.Classify(error));

        // A new socket on the same descriptor registers afresh: were the closed one still in the set, epoll_ctl would
        // refuse it (EEXIST). Sockets are opened, holding the lower descriptors, until one gets that number.
        var held = new List<Socket>();
        try
        {
            Socket? again = null;
            while (again is null && held.Count < 1000)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                held.Add(socket);
                again = (int)socket.Handle == fd ? socket : null;
            }

            Assert.NotNull(again);
            engine.Register(fd).Dispose();
        }
        finally
        {
            held.ForEach(socket => socket.Dispose());
        }
    }
}
