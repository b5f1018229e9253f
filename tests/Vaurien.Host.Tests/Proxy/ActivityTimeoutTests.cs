using Vaurien.Testing.Time;
using Xunit;

namespace Vaurien.Host.Proxy.Tests;

public sealed class ActivityTimeoutTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void NotStarted_TimePasses_DoesNotFire()
    {
        var time = new ManualTimeProvider();
        var fired = 0;
        using var timeout = new ActivityTimeout(Timeout, time, _ => fired++, null);

        time.Advance(Timeout * 10);

        Assert.Equal(0, fired);
    }

    [Fact]
    public void NoActivity_ForTheTimeout_Fires()
    {
        var time = new ManualTimeProvider();
        var fired = 0;
        using var timeout = new ActivityTimeout(Timeout, time, _ => fired++, null);
        timeout.Reset();

        time.Advance(Timeout - TimeSpan.FromTicks(1));
        var early = fired;
        time.Advance(TimeSpan.FromTicks(1));

        Assert.Equal(0, early);
        Assert.Equal(1, fired);
    }

    [Fact]
    public void Reset_BeforeTheTimeout_PushesTheDeadlineBack()
    {
        var time = new ManualTimeProvider();
        var fired = 0;
        using var timeout = new ActivityTimeout(Timeout, time, _ => fired++, null);
        timeout.Reset();

        time.Advance(TimeSpan.FromSeconds(8));
        timeout.Reset();
        time.Advance(TimeSpan.FromSeconds(8));
        var afterReset = fired;
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(0, afterReset);
        Assert.Equal(1, fired);
    }

    [Fact]
    public void Reset_AfterDispose_DoesNothing()
    {
        var time = new ManualTimeProvider();
        var fired = 0;
        var timeout = new ActivityTimeout(Timeout, time, _ => fired++, null);
        timeout.Reset();
        timeout.Dispose();

        timeout.Reset();
        time.Advance(Timeout * 2);

        Assert.Equal(0, fired);
    }

    [Fact]
    public void SteadyActivity_NeverFires_ThenFiresOneTimeoutAfterTheLast()
    {
        var time = new ManualTimeProvider();
        var fired = 0;
        using var timeout = new ActivityTimeout(Timeout, time, _ => fired++, null);

        for (var i = 0; i < 20; i++)
        {
            timeout.Reset();
            time.Advance(TimeSpan.FromSeconds(3));
        }

        var whileActive = fired;
        time.Advance(Timeout - TimeSpan.FromSeconds(3) - TimeSpan.FromTicks(1));
        var justBefore = fired;
        time.Advance(TimeSpan.FromTicks(1));
        time.Advance(Timeout * 3);

        Assert.Equal(0, whileActive);
        Assert.Equal(0, justBefore);
        Assert.Equal(1, fired);
    }
}
