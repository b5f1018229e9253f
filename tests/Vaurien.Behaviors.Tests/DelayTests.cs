using Vaurien.Testing.Behaviors;
using Vaurien.Testing.Time;

namespace Vaurien.Behaviors.Tests;

public class DelayTests
{
    private readonly IBehavior _delay = BuiltInBehaviors.Get("delay");
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task OnBeforeHandle_DefaultOptions_WaitsExactlyOneSecond()
    {
        var context = new TestBehaviorContext(options: null, time: _time).SetData("GET / HTTP/1.1\r\n\r\n");

        var hook = context.RunBeforeHandleAsync(_delay);
        await _time.WaitForPendingTimersAsync(1);
        _time.Advance(TimeSpan.FromMilliseconds(999));

        Assert.False(hook.IsCompleted);
        Assert.Equal(1, _time.PendingTimers);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await hook.WaitAsync(TestLimits.Wait);
        Assert.Equal([TimeSpan.FromSeconds(1)], context.DelaysCompleted);
        Assert.Equal(ExchangeOutcome.Forward, context.Outcome);
        Assert.Equal(0, _time.PendingTimers);
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(2.5)]
    [InlineData(86400)]
    public async Task OnBeforeHandle_Sleep_WaitsThatManySeconds(double sleep)
    {
        var wait = TimeSpan.FromSeconds(sleep);
        var context = new TestBehaviorContext(new DelayOptions { Sleep = sleep }, _time);

        var hook = context.RunBeforeHandleAsync(_delay);
        await _time.WaitForPendingTimersAsync(1);
        _time.Advance(wait - TimeSpan.FromTicks(1));

        Assert.False(hook.IsCompleted);
        Assert.Equal(1, _time.PendingTimers);
        _time.Advance(TimeSpan.FromTicks(1));
        await hook.WaitAsync(TestLimits.Wait);
        Assert.Equal([wait], context.DelaysCompleted);
    }

    [Fact]
    public async Task OnBeforeHandle_SleepZero_DoesNotWait()
    {
        var context = new TestBehaviorContext(new DelayOptions { Sleep = 0 }, _time);

        await context.RunBeforeHandleAsync(_delay).WaitAsync(TestLimits.Wait);

        Assert.Empty(context.DelaysRequested);
        Assert.Equal(0, _time.PendingTimers);
    }

    [Fact]
    public async Task OnAfterHandle_BeforeTrue_DoesNotWait()
    {
        var context = new TestBehaviorContext(new DelayOptions { Sleep = 5, Before = true }, _time);

        await context.RunAfterHandleAsync(_delay).WaitAsync(TestLimits.Wait);

        Assert.Empty(context.DelaysRequested);
        Assert.Equal(0, _time.PendingTimers);
    }

    [Fact]
    public async Task OnBeforeHandle_BeforeFalse_DoesNotWait()
    {
        var context = new TestBehaviorContext(new DelayOptions { Sleep = 5, Before = false }, _time);

        await context.RunBeforeHandleAsync(_delay).WaitAsync(TestLimits.Wait);

        Assert.Empty(context.DelaysRequested);
        Assert.Equal(0, _time.PendingTimers);
    }

    [Fact]
    public async Task OnAfterHandle_BeforeFalse_WaitsTheSleep()
    {
        var context = new TestBehaviorContext(new DelayOptions { Sleep = 5, Before = false }, _time).SetDirection(Direction.ToClient);

        var hook = context.RunAfterHandleAsync(_delay);
        await _time.WaitForPendingTimersAsync(1);
        _time.Advance(TimeSpan.FromSeconds(4));

        Assert.False(hook.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await hook.WaitAsync(TestLimits.Wait);
        Assert.Equal([TimeSpan.FromSeconds(5)], context.DelaysCompleted);
    }

    [Fact]
    public async Task OnBeforeHandle_ConnectionEnds_DelayReturnsEarlyWithoutThrowing()
    {
        var context = new TestBehaviorContext(new DelayOptions { Sleep = 30 }, _time);

        var hook = context.RunBeforeHandleAsync(_delay);
        await _time.WaitForPendingTimersAsync(1);
        context.EndConnection();
        await hook.WaitAsync(TestLimits.Wait);

        Assert.Equal([TimeSpan.FromSeconds(30)], context.DelaysRequested);
        Assert.Empty(context.DelaysCompleted);
        Assert.Equal(TimeSpan.Zero, _time.Elapsed);
        Assert.Equal(0, _time.PendingTimers);
    }

    [Fact]
    public async Task OnBeforeHandle_SharedInstance_EachConnectionWaitsItsOwnSleep()
    {
        var shortWait = new TestBehaviorContext(new DelayOptions { Sleep = 1 }, _time).SetConnection(new TestConnectionInfo(id: 1));
        var longWait = new TestBehaviorContext(new DelayOptions { Sleep = 3 }, _time).SetConnection(new TestConnectionInfo(id: 2));

        var shortHook = shortWait.RunBeforeHandleAsync(_delay);
        var longHook = longWait.RunBeforeHandleAsync(_delay);
        await _time.WaitForPendingTimersAsync(2);
        _time.Advance(TimeSpan.FromSeconds(1));
        await shortHook.WaitAsync(TestLimits.Wait);

        Assert.False(longHook.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(2));
        await longHook.WaitAsync(TestLimits.Wait);
        Assert.Equal([TimeSpan.FromSeconds(1)], shortWait.DelaysCompleted);
        Assert.Equal([TimeSpan.FromSeconds(3)], longWait.DelaysCompleted);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("0.5", 0.5)]
    [InlineData("1", 1)]
    [InlineData("86400", 86400)]
    public void Accepts_Sleep(string raw, double expected)
    {
        Assert.True(OptionBinder.TryBind<DelayOptions>("sleep", raw, out var options, out var errors), string.Join("; ", errors));

        Assert.Equal(expected, options.Sleep);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-0.001")]
    [InlineData("86400.5")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("soon")]
    public void Rejects_Sleep(string raw)
    {
        Assert.False(OptionBinder.TryBind<DelayOptions>("sleep", raw, out _, out var errors));

        Assert.Contains("'sleep'", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("yes", true)]
    [InlineData("0", false)]
    public void Accepts_Before(string raw, bool expected)
    {
        Assert.True(OptionBinder.TryBind<DelayOptions>("before", raw, out var options, out var errors), string.Join("; ", errors));

        Assert.Equal(expected, options.Before);
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("2")]
    public void Rejects_Before(string raw)
    {
        Assert.False(OptionBinder.TryBind<DelayOptions>("before", raw, out _, out var errors));

        Assert.Contains("'before'", Assert.Single(errors), StringComparison.Ordinal);
    }
}
