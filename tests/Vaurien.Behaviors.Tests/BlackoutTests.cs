using Vaurien.Testing.Behaviors;

namespace Vaurien.Behaviors.Tests;

public class BlackoutTests
{
    private readonly IBehavior _blackout = BuiltInBehaviors.Get("blackout");

    [Theory]
    [InlineData("tcp")]
    [InlineData("http")]
    [InlineData("redis")]
    public async Task OnBeforeHandle_AnyProtocol_ClosesWithoutCallingTheBackend(string protocol)
    {
        var context = new TestBehaviorContext().SetProtocolName(protocol).SetData("PING\r\n");

        await context.RunBeforeHandleAsync(_blackout).WaitAsync(TestLimits.Wait);

        Assert.True(context.WasClosed);
        Assert.False(context.WasReset);
        Assert.True(context.ConnectionClosed.IsCancellationRequested);
        Assert.Equal(ExchangeOutcome.Stop, context.Outcome);
        Assert.Empty(context.ErrorReplies);
    }

    [Fact]
    public async Task OnAfterHandle_Always_DoesNothing()
    {
        var context = new TestBehaviorContext();

        await context.RunAfterHandleAsync(_blackout).WaitAsync(TestLimits.Wait);

        Assert.False(context.WasClosed);
        Assert.Equal(ExchangeOutcome.Forward, context.Outcome);
    }
}
