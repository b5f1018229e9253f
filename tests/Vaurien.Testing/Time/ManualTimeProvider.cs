namespace Vaurien.Testing.Time;

/// <summary>
/// A <see cref="TimeProvider"/> whose time moves only when the test calls <see cref="Advance"/>. Timers made by
/// <see cref="CreateTimer"/> (and so <c>Task.Delay(delay, provider, token)</c> and
/// <c>new CancellationTokenSource(delay, provider)</c>) fire during <see cref="Advance"/>, in due-time order, each with
/// the clock set to its due time. A timer due now (due time zero) fires at once, as <c>FakeTimeProvider</c> does.
/// </summary>
/// <remarks>
/// Callbacks run on the thread that advances time, outside the provider's lock, so a callback may create, change or
/// dispose timers and even advance time itself. A callback's exception reaches the caller of <see cref="Advance"/>.
/// </remarks>
public sealed class ManualTimeProvider : TimeProvider
{
    /// <summary>The default start: a fixed, unremarkable instant, so runs are reproducible.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan DefaultWaitTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _scheduled = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private readonly DateTimeOffset _start;
    private DateTimeOffset _now;
    private long _sequence;

    public ManualTimeProvider()
        : this(DefaultStart)
    {
    }

    public ManualTimeProvider(DateTimeOffset start)
    {
        _start = start;
        _now = start;
    }

    /// <summary>How many timers are scheduled to fire (created or changed with a finite due time, not yet fired or disposed).</summary>
    public int PendingTimers
    {
        get
        {
            lock (_lock)
            {
                return _scheduled.Count;
            }
        }
    }

    /// <summary>How much time the test has advanced since the start.</summary>
    public TimeSpan Elapsed
    {
        get
        {
            lock (_lock)
            {
                return _now - _start;
            }
        }
    }

    /// <summary>When the next timer is due, or null when none is pending.</summary>
    public DateTimeOffset? NextDueTime
    {
        get
        {
            lock (_lock)
            {
                return _scheduled.Count == 0 ? null : _scheduled.Min(t => t.DueTime);
            }
        }
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    // One tick per timestamp unit keeps GetTimestamp and GetUtcNow exactly consistent.
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long GetTimestamp()
    {
        lock (_lock)
        {
            return _now.UtcTicks;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves time forward by <paramref name="delta"/>, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_lock)
        {
            target = _now + delta;
        }

        RunUntil(target);
    }

    /// <summary>Moves time forward to <paramref name="value"/>, firing every timer that falls due on the way.</summary>
    public void SetUtcNow(DateTimeOffset value)
    {
        lock (_lock)
        {
            if (value < _now)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Time only moves forward; it is {_now:O}.");
            }
        }

        RunUntil(value);
    }

    /// <summary>
    /// Waits, in real time, until at least <paramref name="count"/> timers are pending: the code under test has started
    /// waiting, and the test may advance time. Throws <see cref="TimeoutException"/> after <paramref name="timeout"/>
    /// (10 seconds by default).
    /// </summary>
    public async Task WaitForPendingTimersAsync(int count = 1, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (_scheduled.Count >= count)
            {
                return;
            }

            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
        }

        var limit = timeout ?? DefaultWaitTimeout;
        try
        {
            // WaitAsync(TimeSpan) measures real time: the deadline must not depend on the fake clock.
            await signal.Task.WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (_lock)
            {
                _waiters.RemoveAll(w => w.Signal == signal);
            }

            throw new TimeoutException($"Expected {count} pending timer(s) within {limit.TotalSeconds:0.###} s of real time; {PendingTimers} pending.");
        }
    }

    private void RunUntil(DateTimeOffset target)
    {
        while (true)
        {
            ManualTimer? due = null;
            lock (_lock)
            {
                foreach (var timer in _scheduled)
                {
                    if (timer.DueTime <= target &&
                        (due is null || timer.DueTime < due.DueTime || (timer.DueTime == due.DueTime && timer.Sequence < due.Sequence)))
                    {
                        due = timer;
                    }
                }

                if (due is null)
                {
                    if (target > _now)
                    {
                        _now = target;
                    }

                    return;
                }

                if (due.DueTime > _now)
                {
                    _now = due.DueTime;
                }

                if (due.Period > TimeSpan.Zero)
                {
                    due.DueTime += due.Period;
                    due.Sequence = ++_sequence;
                }
                else
                {
                    _scheduled.Remove(due);
                }
            }

            due.Fire();
        }
    }

    private bool Change(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        CheckTimeSpan(dueTime, nameof(dueTime));
        CheckTimeSpan(period, nameof(period));
        bool fireNow;
        lock (_lock)
        {
            if (timer.IsDisposed)
            {
                return false;
            }

            _scheduled.Remove(timer);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return true;
            }

            timer.DueTime = _now + dueTime;
            timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            timer.Sequence = ++_sequence;
            _scheduled.Add(timer);
            fireNow = dueTime == TimeSpan.Zero;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_scheduled.Count >= _waiters[i].Count)
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }

        if (fireNow)
        {
            RunUntil(GetUtcNow());
        }

        return true;
    }

    private void Dispose(ManualTimer timer)
    {
        lock (_lock)
        {
            timer.IsDisposed = true;
            _scheduled.Remove(timer);
        }
    }

    private static void CheckTimeSpan(TimeSpan value, string name)
    {
        // Timer's own rule: -1 ms (infinite) or a non-negative span of at most uint.MaxValue - 1 milliseconds.
        if (value != Timeout.InfiniteTimeSpan && (value < TimeSpan.Zero || value.TotalMilliseconds > uint.MaxValue - 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be Timeout.InfiniteTimeSpan or between 0 and 4294967294 ms.");
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        // Guarded by the owner's lock.
        public DateTimeOffset DueTime { get; set; }

        public TimeSpan Period { get; set; }

        public long Sequence { get; set; }

        public bool IsDisposed { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period) => owner.Change(this, dueTime, period);

        public void Fire() => callback(state);

        public void Dispose() => owner.Dispose(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
