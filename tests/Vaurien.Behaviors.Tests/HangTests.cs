using Vaurien.Testing.Behaviors;
using Vaurien.Testing.Time;

namespace Vaurien.Behaviors.Tests;

public class HangTests
{
    private readonly IBehavior _hang = BuiltInBehaviors.Get("hang");

    [Fact]
    public async Task OnBeforeHandle_Always_HoldsTheConnectionUntilItEnds()
    {
        var time = new ManualTimeProvider();
        var context = new TestBehaviorContext(time: time).SetData("GET / HTTP/1.1\r\n\r\n");

        var hook = context.RunBeforeHandleAsync(_hang);

        Assert.True(context.WasHung);
        Assert.False(hook.IsCompleted);
        Assert.Equal(ExchangeOutcome.Stop, context.Outcome);
        Assert.Equal(0, time.PendingTimers);
        context.EndConnection();
        await hook.WaitAsync(TestLimits.Wait);
        Assert.False(context.WasClosed);
        Assert.False(context.WasReset);
    }

    [Fact]
    public async Task OnBeforeHandle_ConnectionAlreadyEnded_ReturnsAtOnce()
    {
        var context = new TestBehaviorContext();
        context.EndConnection();

        await context.RunBeforeHandleAsync(_hang).WaitAsync(TestLimits.Wait);

        Assert.True(context.WasHung);
    }

    [Fact]
    public async Task OnAfterHandle_Always_DoesNothing()
    {
        var context = new TestBehaviorContext();

        await context.RunAfterHandleAsync(_hang).WaitAsync(TestLimits.Wait);

        Assert.False(context.WasHung);
        Assert.Equal(ExchangeOutcome.Forward, context.Outcome);
    }
}
