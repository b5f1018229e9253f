using System.Net.Sockets;
using Xunit;

namespace Vaurien.Host.Proxy.Tests;

/// <summary>The edge-triggered wait of the proxy's socket engine: no event lost, none counted twice.</summary>
public sealed class ReadinessWaiterTests
{
    [Fact]
    public void Signal_BeforeTheWait_CompletesTheNextWaitAtOnce_AndOnlyThatOne()
    {
        var waiter = new ReadinessWaiter();

        waiter.Signal();
        waiter.Signal();
        var first = waiter.WaitAsync();
        var second = waiter.WaitAsync();

        Assert.True(first.IsCompletedSuccessfully);
        Assert.False(second.IsCompleted);
    }

    [Fact]
    public async Task Signal_WhileWaiting_RunsTheContinuationOnTheSignallingThread()
    {
        var waiter = new ReadinessWaiter();
        var continuedOn = waiter.WaitAsync().AsTask().ContinueWith(_ => Environment.CurrentManagedThreadId, TaskContinuationOptions.ExecuteSynchronously);

        waiter.Signal();

        Assert.True(continuedOn.IsCompleted, "the continuation did not run inside Signal");
        Assert.Equal(Environment.CurrentManagedThreadId, await continuedOn);
        Assert.False(waiter.WaitAsync().IsCompleted);
    }

    [Fact]
    public async Task Close_FailsTheWaitUnderWayAndEveryLaterOne_AsAClosedSocketsReceive()
    {
        var waiter = new ReadinessWaiter();
        var wait = waiter.WaitAsync();

        waiter.Close();
        waiter.Signal();

        var error = await Assert.ThrowsAsync<SocketException>(() => wait.AsTask());
        Assert.Equal(TransportEnd.Aborted, SocketErrors.Classify(error));
        await Assert.ThrowsAsync<SocketException>(() => waiter.WaitAsync().AsTask());
    }

    [Fact]
    public async Task Cancel_EndsTheWaitUnderWayAndLaterOnes_ThenCloseStillAborts()
    {
        var waiter = new ReadinessWaiter();
        var wait = waiter.WaitAsync();

        waiter.Cancel();

        await Assert.ThrowsAsync<OperationCanceledException>(() => wait.AsTask());
        await Assert.ThrowsAsync<OperationCanceledException>(() => waiter.WaitAsync().AsTask());
        waiter.Close();
        await Assert.ThrowsAsync<SocketException>(() => waiter.WaitAsync().AsTask());
    }

    [Fact]
    public async Task SignalsFromAnotherThread_ThousandWaits_EachEndsWithoutLosingAnEvent()
    {
        // One event per wait, from another thread, racing each wait's start: every wait must end.
        var waiter = new ReadinessWaiter();
        using var next = new SemaphoreSlim(0);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var signaller = Task.Run(async () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                await next.WaitAsync(stop.Token);
                waiter.Signal();
            }
        });

        for (var i = 0; i < 1000; i++)
        {
            next.Release();
            await waiter.WaitAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        }

        await signaller.WaitAsync(TimeSpan.FromSeconds(15));
    }
}
