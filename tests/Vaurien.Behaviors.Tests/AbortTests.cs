using Vaurien.Testing.Behaviors;

namespace Vaurien.Behaviors.Tests;

public class AbortTests
{
    private readonly IBehavior _abort = BuiltInBehaviors.Get("abort");

    [Theory]
    [InlineData(Direction.ToBackend)]
    [InlineData(Direction.ToClient)]
    public async Task OnBeforeHandle_AnyDirection_ResetsTheConnection(Direction direction)
    {
        var context = new TestBehaviorContext().SetDirection(direction).SetData("SELECT 1");

        await context.RunBeforeHandleAsync(_abort).WaitAsync(TestLimits.Wait);

        Assert.True(context.WasReset);
        Assert.False(context.WasClosed);
        Assert.True(context.ConnectionClosed.IsCancellationRequested);
        Assert.Equal(ExchangeOutcome.Stop, context.Outcome);
    }

    [Fact]
    public async Task OnAfterHandle_Always_DoesNothing()
    {
        var context = new TestBehaviorContext();

        await context.RunAfterHandleAsync(_abort).WaitAsync(TestLimits.Wait);

        Assert.False(context.WasReset);
        Assert.Equal(ExchangeOutcome.Forward, context.Outcome);
    }
}
