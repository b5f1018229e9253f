using System.Text;
using Vaurien.Testing.Behaviors;
using Vaurien.Testing.Randomness;
using Vaurien.Testing.Time;

namespace Vaurien.Behaviors.Tests;

public class DummyTests
{
    private readonly IBehavior _dummy = BuiltInBehaviors.Get("dummy");

    [Fact]
    public void Dummy_Always_IsAPassThroughBehavior()
    {
        Assert.IsAssignableFrom<IPassThroughBehavior>(_dummy);
    }

    [Theory]
    [InlineData(Direction.ToBackend)]
    [InlineData(Direction.ToClient)]
    public async Task OnBeforeAndAfterHandle_AnyExchange_LeaveItUntouched(Direction direction)
    {
        var time = new ManualTimeProvider();
        var context = new TestBehaviorContext(time: time, random: new ScriptedRandom()).SetDirection(direction).SetData("SET k v\r\n");

        await context.RunBeforeHandleAsync(_dummy).WaitAsync(TestLimits.Wait);
        await context.RunAfterHandleAsync(_dummy).WaitAsync(TestLimits.Wait);

        Assert.Equal(ExchangeOutcome.Forward, context.Outcome);
        Assert.Equal("SET k v\r\n", Encoding.ASCII.GetString(context.ForwardedData));
        Assert.Empty(context.DelaysRequested);
        Assert.False(context.IsConnectionClosed);
        Assert.Equal(0, time.PendingTimers);
    }
}
