using Vaurien.Testing.Behaviors;
using Vaurien.Testing.Time;

namespace Vaurien.Behaviors.Tests.Fakes;

public class TestBehaviorContextTests
{
    [Fact]
    public async Task DelayAsync_ConnectionAlreadyEnded_ReturnsAtOnce()
    {
        var time = new ManualTimeProvider();
        var context = new TestBehaviorContext(time: time);
        context.EndConnection();

        await context.DelayAsync(TimeSpan.FromSeconds(5)).AsTask().WaitAsync(TestLimits.Wait);

        Assert.Equal([TimeSpan.FromSeconds(5)], context.DelaysRequested);
        Assert.Empty(context.DelaysCompleted);
        Assert.Equal(0, time.PendingTimers);
    }

    [Fact]
    public async Task ReplyWithErrorAsync_InAfterHandle_IsRefusedAsTheHostWould()
    {
        var context = new TestBehaviorContext();

        await Assert.ThrowsAsync<InvalidOperationException>(() => context.RunAfterHandleAsync(new ActInAfterHandle(c => c.ReplyWithErrorAsync())));

        Assert.Empty(context.ErrorReplies);
    }

    [Fact]
    public async Task ReplaceData_InAfterHandle_IsRefusedAsTheHostWould()
    {
        var context = new TestBehaviorContext();

        await Assert.ThrowsAsync<InvalidOperationException>(() => context.RunAfterHandleAsync(new ActInAfterHandle(c =>
        {
            c.ReplaceData(new byte[] { 1 });
            return ValueTask.CompletedTask;
        })));

        Assert.Null(context.ReplacedData);
    }

    [Fact]
    public void Close_Always_EndsTheConnection()
    {
        var context = new TestBehaviorContext();

        context.Close();

        Assert.True(context.ConnectionClosed.IsCancellationRequested);
        Assert.Equal(ExchangeOutcome.Stop, context.Outcome);
    }

    private sealed class ActInAfterHandle(Func<BehaviorContext, ValueTask> act) : IBehavior
    {
        public ValueTask OnBeforeHandle(BehaviorContext context) => ValueTask.CompletedTask;

        public ValueTask OnAfterHandle(BehaviorContext context) => act(context);
    }
}
