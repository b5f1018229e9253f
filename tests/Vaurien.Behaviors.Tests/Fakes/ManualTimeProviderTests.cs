using Vaurien.Testing.Time;

namespace Vaurien.Behaviors.Tests.Fakes;

public class ManualTimeProviderTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void Advance_PastSeveralTimers_FiresThemInDueOrderAtTheirDueTimes()
    {
        var fired = new List<(string Name, TimeSpan At)>();
        using var third = _time.CreateTimer(_ => fired.Add(("third", _time.Elapsed)), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        using var first = _time.CreateTimer(_ => fired.Add(("first", _time.Elapsed)), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var second = _time.CreateTimer(_ => fired.Add(("second", _time.Elapsed)), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal([("first", TimeSpan.FromSeconds(1)), ("second", TimeSpan.FromSeconds(2)), ("third", TimeSpan.FromSeconds(3))], fired);
        Assert.Equal(TimeSpan.FromSeconds(5), _time.Elapsed);
        Assert.Equal(0, _time.PendingTimers);
    }

    [Fact]
    public void Advance_TimersDueAtTheSameTime_FireInCreationOrder()
    {
        var fired = new List<int>();
        using var a = _time.CreateTimer(_ => fired.Add(1), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var b = _time.CreateTimer(_ => fired.Add(2), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var c = _time.CreateTimer(_ => fired.Add(3), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([1, 2, 3], fired);
    }

    [Fact]
    public void Advance_ShortOfTheDueTime_DoesNotFire()
    {
        var fired = 0;
        using var timer = _time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        _time.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));

        Assert.Equal(0, fired);
        Assert.Equal(1, _time.PendingTimers);
    }

    [Fact]
    public void Advance_PeriodicTimer_FiresOncePerPeriod()
    {
        var fired = new List<TimeSpan>();
        using var timer = _time.CreateTimer(_ => fired.Add(_time.Elapsed), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        _time.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5)], fired);
        Assert.Equal(1, _time.PendingTimers);
    }

    [Fact]
    public void Change_ToALaterDueTime_MovesTheTimer()
    {
        var fired = new List<TimeSpan>();
        using var timer = _time.CreateTimer(_ => fired.Add(_time.Elapsed), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        Assert.True(timer.Change(TimeSpan.FromSeconds(4), Timeout.InfiniteTimeSpan));
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal([TimeSpan.FromSeconds(4)], fired);
    }

    [Fact]
    public void Change_ToInfinite_StopsTheTimer()
    {
        var fired = 0;
        using var timer = _time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(0, fired);
        Assert.Equal(0, _time.PendingTimers);
    }

    [Fact]
    public void Dispose_BeforeTheDueTime_TimerNeverFiresAndCannotChange()
    {
        var fired = 0;
        var timer = _time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        timer.Dispose();
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(0, fired);
        Assert.False(timer.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public void CreateTimer_ZeroDueTime_FiresAtOnce()
    {
        var fired = 0;

        using var timer = _time.CreateTimer(_ => fired++, null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);

        Assert.Equal(1, fired);
        Assert.Equal(TimeSpan.Zero, _time.Elapsed);
    }

    [Fact]
    public void Advance_CallbackSchedulesATimerWithinTheSpan_ItFiresInTheSameAdvance()
    {
        var fired = new List<TimeSpan>();
        ITimer? inner = null;
        using var outer = _time.CreateTimer(
            _ => inner = _time.CreateTimer(_ => fired.Add(_time.Elapsed), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan),
            null,
            TimeSpan.FromSeconds(1),
            Timeout.InfiniteTimeSpan);

        _time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal([TimeSpan.FromSeconds(2)], fired);
        inner?.Dispose();
    }

    [Fact]
    public void GetTimestamp_AfterAdvance_AgreesWithGetUtcNow()
    {
        var startStamp = _time.GetTimestamp();
        var startNow = _time.GetUtcNow();

        _time.Advance(TimeSpan.FromMilliseconds(1500));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), _time.GetElapsedTime(startStamp));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), _time.GetUtcNow() - startNow);
        Assert.Equal(ManualTimeProvider.DefaultStart + TimeSpan.FromMilliseconds(1500), _time.GetUtcNow());
    }

    [Fact]
    public async Task TaskDelay_WithManualTime_CompletesOnlyWhenTimeIsAdvanced()
    {
        var delay = Task.Delay(TimeSpan.FromSeconds(2), _time, CancellationToken.None);
        await _time.WaitForPendingTimersAsync(1);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(delay.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        await delay.WaitAsync(TestLimits.Wait);
        Assert.True(delay.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task TaskDelay_Cancelled_ThrowsAndReleasesItsTimer()
    {
        using var cancellation = new CancellationTokenSource();
        var delay = Task.Delay(TimeSpan.FromSeconds(2), _time, cancellation.Token);
        await _time.WaitForPendingTimersAsync(1);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delay.WaitAsync(TestLimits.Wait));
        Assert.Equal(0, _time.PendingTimers);
    }

    [Fact]
    public void CancellationTokenSource_WithManualTime_CancelsWhenTheDelayIsReached()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);

        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(cancellation.IsCancellationRequested);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(cancellation.IsCancellationRequested);
    }

    [Fact]
    public async Task WaitForPendingTimersAsync_TimerCreatedLater_Completes()
    {
        var waiting = _time.WaitForPendingTimersAsync(2);
        Assert.False(waiting.IsCompleted);

        using var first = _time.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var second = _time.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        await waiting.WaitAsync(TestLimits.Wait);
        Assert.Equal(2, _time.PendingTimers);
    }

    [Fact]
    public async Task WaitForPendingTimersAsync_NoTimerComes_TimesOutInRealTime()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() => _time.WaitForPendingTimersAsync(1, TimeSpan.FromMilliseconds(50)));

        Assert.Contains("0 pending", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.Zero, _time.Elapsed);
    }

    [Fact]
    public void SetUtcNow_Backwards_IsRefused()
    {
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Throws<ArgumentOutOfRangeException>(() => _time.SetUtcNow(ManualTimeProvider.DefaultStart));
    }
}
