using System.Collections;
using Vaurien.Testing.Time;
using Xunit;

namespace Vaurien.Host.Proxy.Tests;

public sealed class IdleSweepTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ManualTimeProvider _time = new();
    private readonly Connections _connections = new();
    private readonly List<Exception> _errors = [];

    [Fact]
    public void NotTouched_TimePasses_NeverFires()
    {
        using var sweep = NewSweep();
        var connection = _connections.Add(_time);

        _time.Advance(Timeout * 10);

        Assert.Empty(connection.ClosedAt);
        Assert.Equal(0, _time.PendingTimers);
    }

    [Fact]
    public void Touched_NoActivityForTheTimeout_FiresAtExactlyTheTimeout()
    {
        using var sweep = NewSweep();
        var connection = _connections.Add(_time);
        sweep.Touch(ref connection.LastActivity);

        _time.Advance(Timeout - TimeSpan.FromTicks(1));
        var early = connection.ClosedAt.Count;
        _time.Advance(TimeSpan.FromTicks(1));

        Assert.Equal(0, early);
        Assert.Equal([Timeout], connection.ClosedAt);
    }

    [Fact]
    public void Touch_BeforeTheTimeout_PushesTheDeadlineBack()
    {
        using var sweep = NewSweep();
        var connection = _connections.Add(_time);
        sweep.Touch(ref connection.LastActivity);

        _time.Advance(TimeSpan.FromSeconds(8));
        sweep.Touch(ref connection.LastActivity);
        _time.Advance(TimeSpan.FromSeconds(8));
        var afterTouch = connection.ClosedAt.Count;
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(0, afterTouch);
        Assert.Equal([TimeSpan.FromSeconds(18)], connection.ClosedAt);
    }

    [Fact]
    public void SteadyActivity_NeverFires_ThenFiresOneTimeoutAfterTheLast()
    {
        using var sweep = NewSweep();
        var connection = _connections.Add(_time);

        for (var i = 0; i < 20; i++)
        {
            sweep.Touch(ref connection.LastActivity);
            _time.Advance(TimeSpan.FromSeconds(3));
        }

        var whileActive = connection.ClosedAt.Count;
        _time.Advance(Timeout - TimeSpan.FromSeconds(3) - TimeSpan.FromTicks(1));
        var justBefore = connection.ClosedAt.Count;
        _time.Advance(TimeSpan.FromTicks(1));

        Assert.Equal(0, whileActive);
        Assert.Equal(0, justBefore);
        Assert.Equal([TimeSpan.FromSeconds(57) + Timeout], connection.ClosedAt);
    }

    [Fact]
    public void Expired_StillListedAsTimePasses_FiresOnce()
    {
        using var sweep = NewSweep();
        var connection = _connections.Add(_time);
        sweep.Touch(ref connection.LastActivity);

        // Teardown takes a closed connection off the list only later: the sweeps meanwhile must leave it alone.
        _time.Advance(Timeout * 10);

        Assert.Equal([Timeout], connection.ClosedAt);
        Assert.Equal(IdleSweep.NotTimed, connection.LastActivity);
    }

    [Theory]
    [InlineData(7)] // the first connection is still timed
    [InlineData(15)] // nothing is timed since the first expired at 10 s, yet the timer still runs, set a timeout ahead
    public void FirstTouchWhileRunning_FiresAtItsOwnDeadline(int touchedAtSeconds)
    {
        var touchedAt = TimeSpan.FromSeconds(touchedAtSeconds);
        using var sweep = NewSweep();
        var first = _connections.Add(_time);
        var second = _connections.Add(_time);
        sweep.Touch(ref first.LastActivity);
        _time.Advance(touchedAt);

        var pending = _time.PendingTimers;
        sweep.Touch(ref second.LastActivity);
        _time.Advance(Timeout * 3);

        Assert.Equal(1, pending);
        Assert.Equal([Timeout], first.ClosedAt);
        Assert.Equal([touchedAt + Timeout], second.ClosedAt);
    }

    [Theory]
    [InlineData(4, 500)]
    [InlineData(60, 1000)]
    public void StaggeredDeadlines_EachClosesWithinTheGranularity_InFewSweeps(int timeoutSeconds, int granularityMs)
    {
        const int Count = 200;
        var timeout = TimeSpan.FromSeconds(timeoutSeconds);
        var granularity = TimeSpan.FromMilliseconds(granularityMs);
        var step = TimeSpan.FromMilliseconds(37);
        using var sweep = NewSweep(timeout);
        var touchedAt = new TimeSpan[Count];
        for (var i = 0; i < Count; i++)
        {
            var connection = _connections.Add(_time);
            touchedAt[i] = _time.Elapsed;
            sweep.Touch(ref connection.LastActivity);
            _time.Advance(step);
        }

        var sweepsBefore = _connections.Sweeps;
        _time.Advance(timeout + granularity);

        for (var i = 0; i < Count; i++)
        {
            var closedAt = Assert.Single(_connections[i].ClosedAt);
            Assert.InRange(closedAt, touchedAt[i] + timeout, touchedAt[i] + timeout + granularity);
        }

        // The deadlines span Count * step; a sweep per expiry would be Count sweeps.
        var sweeps = _connections.Sweeps - sweepsBefore;
        Assert.InRange(sweeps, 1, (int)Math.Ceiling(step * Count / granularity) + 2);
    }

    [Fact]
    public void OnIdleThrows_TheOthersCloseAndTheSweepGoesOn()
    {
        using var sweep = NewSweep();
        var failing = _connections.Add(_time, throws: true);
        var other = _connections.Add(_time);
        var later = _connections.Add(_time);
        sweep.Touch(ref failing.LastActivity);
        sweep.Touch(ref other.LastActivity);

        _time.Advance(Timeout);
        sweep.Touch(ref later.LastActivity);
        _time.Advance(Timeout);

        Assert.IsType<InvalidOperationException>(Assert.Single(_errors));
        Assert.Equal([Timeout], failing.ClosedAt);
        Assert.Equal([Timeout], other.ClosedAt);
        Assert.Equal([Timeout * 2], later.ClosedAt);
    }

    [Fact]
    public void Dispose_StopsTheSweep()
    {
        var sweep = NewSweep();
        var connection = _connections.Add(_time);
        sweep.Touch(ref connection.LastActivity);

        sweep.Dispose();
        sweep.Touch(ref connection.LastActivity);
        _time.Advance(Timeout * 3);

        Assert.Empty(connection.ClosedAt);
        Assert.Equal(0, _time.PendingTimers);
    }

    private IdleSweep NewSweep(TimeSpan? timeout = null) => new(timeout ?? Timeout, _time, _connections, _errors.Add);

    // The proxy's live connections, counting how often the sweep looks at them.
    private sealed class Connections : IEnumerable<ITimedConnection>
    {
        private readonly List<FakeConnection> _list = [];

        public int Sweeps { get; private set; }

        public FakeConnection this[int index] => _list[index];

        public FakeConnection Add(ManualTimeProvider time, bool throws = false)
        {
            var connection = new FakeConnection(time, throws);
            _list.Add(connection);
            return connection;
        }

        public IEnumerator<ITimedConnection> GetEnumerator()
        {
            Sweeps++;
            return _list.GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class FakeConnection(ManualTimeProvider time, bool throws) : ITimedConnection
    {
        private long _lastActivity = IdleSweep.NotTimed;

        public ref long LastActivity => ref _lastActivity;

        public List<TimeSpan> ClosedAt { get; } = [];

        public void OnIdle()
        {
            ClosedAt.Add(time.Elapsed);
            if (throws)
            {
                throw new InvalidOperationException("Closing failed.");
            }
        }
    }
}
