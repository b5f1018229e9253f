using Vaurien.Testing.Network;

namespace Vaurien.Protocols.Tests;

[Collection(nameof(BulkTransferCollection))]
public sealed class TcpBulkTests
{
    // Far more than it takes here (a few seconds); only a broken data path comes near it.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(50);

    [Fact]
    public async Task RunAsync_OneGibibyteEachWayAtOnce_ArrivesByteExact()
    {
        const long Size = 1L << 30;
        using var deadline = new CancellationTokenSource(Deadline);
        var atBackend = new TaskCompletionSource<(long Count, byte[] Hash)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sentByBackend = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = LoopbackServer.Start(async (socket, token) =>
        {
            var send = HashedTraffic.SendAsync(socket, 2, Size, cancellationToken: token);
            atBackend.SetResult(await HashedTraffic.ReceiveAsync(socket, cancellationToken: token));
            sentByBackend.SetResult(await send);
        });
        await using var proxy = await LoopbackProxy.StartAsync(TcpTests.Tcp(), backend.EndPoint);
        using var client = await proxy.ConnectAsync();

        var sentByClient = HashedTraffic.SendAsync(client, 1, Size, cancellationToken: deadline.Token);
        var atClient = await HashedTraffic.ReceiveAsync(client, cancellationToken: deadline.Token);

        var received = await atBackend.Task.WaitAsync(deadline.Token);
        Assert.Equal(Size, received.Count);
        Assert.Equal(await sentByClient, received.Hash);
        Assert.Equal(Size, atClient.Count);
        Assert.Equal(await sentByBackend.Task.WaitAsync(deadline.Token), atClient.Hash);
    }
}
