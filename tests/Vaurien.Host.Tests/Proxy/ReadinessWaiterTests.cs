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
    public async Task Signal_WithAHandlerThatDealsWithTheEvent_LeavesTheWaitWaiting_UntilOneThatDoesNot()
    {
        var waiter = new ReadinessWaiter();
        var wait = waiter.WaitAsync();
        var handler = new Handler(_ => true);

        waiter.Signal(handler);
        waiter.Signal(handler);

        Assert.Equal(2, handler.Calls);
        Assert.False(wait.IsCompleted);
        waiter.Signal(new Handler(_ => false));
        Assert.True(wait.IsCompletedSuccessfully);
        await wait;
    }

    [Fact]
    public void Signal_WithAHandlerButNoWaiter_IsRememberedForTheNextWait_WithoutCallingIt()
    {
        var waiter = new ReadinessWaiter();
        var handler = new Handler(_ => true);

        waiter.Signal(handler);

        Assert.Equal(0, handler.Calls);
        Assert.True(waiter.WaitAsync().IsCompletedSuccessfully);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Close_WhileTheHandlerRuns_ReachesTheWaitOnlyOnceTheHandlerReturned(bool handled)
    {
        var waiter = new ReadinessWaiter();
        var wait = waiter.WaitAsync();
        var completedInside = true;

        waiter.Signal(new Handler(_ =>
        {
            waiter.Close();
            completedInside = wait.IsCompleted;
            return handled;
        }));

        Assert.False(completedInside, "the wait ended while the handler still ran");
        if (handled)
        {
            // Nothing left to do for the waiter: it learns of the close now.
            await Assert.ThrowsAsync<SocketException>(() => wait.AsTask());
        }
        else
        {
            // The handler left it something to do first; the close comes with its next wait.
            await wait;
            await Assert.ThrowsAsync<SocketException>(() => waiter.WaitAsync().AsTask());
        }
    }

    [Fact]
    public async Task Cancel_WhileTheHandlerRuns_EndsTheWaitAsCanceled()
    {
        var waiter = new ReadinessWaiter();
        var wait = waiter.WaitAsync();

        waiter.Signal(new Handler(_ =>
        {
            waiter.Cancel();
            return true;
        }));

        await Assert.ThrowsAsync<OperationCanceledException>(() => wait.AsTask());
    }

    [Fact]
    public async Task Handler_Throwing_WakesTheWaiter_AndTheNextEventFindsItAsUsual()
    {
        var waiter = new ReadinessWaiter();
        var wait = waiter.WaitAsync();

        Assert.Throws<InvalidOperationException>(() => waiter.Signal(new Handler(_ => throw new InvalidOperationException("handler"))));

        await wait;
        var next = waiter.WaitAsync();
        waiter.Signal();
        await next;
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

    private sealed class Handler(Func<int, bool> handle) : IReadinessHandler
    {
        public int Calls { get; private set; }

        public bool TryHandle() => handle(++Calls);
    }
}
