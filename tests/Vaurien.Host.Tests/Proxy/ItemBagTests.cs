using System.Collections.Concurrent;
using Vaurien.Testing.Network;
using Xunit;

namespace Vaurien.Host.Proxy.Tests;

public sealed class ItemBagTests
{
    private readonly ItemBag _bag = new();

    [Fact]
    public void Indexer_MissingKey_ThrowsKeyNotFound()
    {
        _bag["other"] = 1;

        Assert.Throws<KeyNotFoundException>(() => _bag["missing"]);
    }

    [Fact]
    public void Indexer_Set_AddsThenReplaces()
    {
        _bag["key"] = 1;
        _bag["key"] = null;

        Assert.Null(Assert.Single(_bag).Value);
    }

    [Fact]
    public void Add_DuplicateKey_ThrowsAndKeepsTheValue()
    {
        _bag.Add("key", 1);

        Assert.Throws<ArgumentException>(() => _bag.Add("key", 2));
        Assert.Throws<ArgumentException>(() => _bag.Add(new KeyValuePair<object, object?>("key", 3)));
        Assert.Equal(new KeyValuePair<object, object?>("key", 1), Assert.Single(_bag));
    }

    [Fact]
    public void NullKey_Rejected()
    {
        object key = null!;

        Assert.Throws<ArgumentNullException>(() => _bag.Add(key, 1));
        Assert.Throws<ArgumentNullException>(() => _bag[key] = 1);
        Assert.Throws<ArgumentNullException>(() => _bag[key]);
        Assert.Throws<ArgumentNullException>(() => _bag.ContainsKey(key));
        Assert.Throws<ArgumentNullException>(() => _bag.TryGetValue(key, out _));
        Assert.Throws<ArgumentNullException>(() => _bag.Remove(key));
    }

    [Fact]
    public void Keys_EqualButNotTheSameObject_AreOneKey()
    {
        _bag.Add(new string('k', 3), 1);

        Assert.True(_bag.ContainsKey(new string('k', 3)));
        Assert.Equal(1, _bag[new string('k', 3)]);
        Assert.Throws<ArgumentException>(() => _bag.Add(new string('k', 3), 2));
    }

    [Fact]
    public void TryGetValue_AndContainsKey_TellPresentFromMissing()
    {
        _bag["null value"] = null;
        _bag["one"] = 1;

        Assert.True(_bag.TryGetValue("one", out var one));
        Assert.True(_bag.TryGetValue("null value", out var nullValue));
        Assert.False(_bag.TryGetValue("missing", out var missing));
        Assert.Equal(1, one);
        Assert.Null(nullValue);
        Assert.Null(missing);
        Assert.True(_bag.ContainsKey("null value"));
        Assert.False(_bag.ContainsKey("missing"));
    }

    [Fact]
    public void Remove_Key_RemovesItOnceAndKeepsTheOthersInOrder()
    {
        _bag["a"] = 1;
        _bag["b"] = 2;
        _bag["c"] = 3;

        Assert.True(_bag.Remove("b"));
        Assert.False(_bag.Remove("b"));
        Assert.Equal(["a", "c"], _bag.Keys);
        Assert.Equal([1, 3], _bag.Values);
    }

    [Fact]
    public void Pairs_ContainsAndRemove_MatchTheValueToo()
    {
        _bag["a"] = 1;
        _bag["b"] = null;

        // ICollection<T>.Contains itself, not xunit's search.
        var contains = new[] { _bag.Contains(new("a", 1)), _bag.Contains(new("a", 2)), _bag.Contains(new("b", null)), _bag.Contains(new("missing", null)) };

        Assert.Equal([true, false, true, false], contains);
        Assert.False(_bag.Remove(new KeyValuePair<object, object?>("a", 2)));
        Assert.True(_bag.Remove(new KeyValuePair<object, object?>("a", 1)));
        Assert.Equal(["b"], _bag.Keys);
    }

    [Fact]
    public void ManyEntries_GrowTheBag_AllFound()
    {
        for (var i = 0; i < 20; i++)
        {
            _bag.Add(i, $"value {i}");
        }

        Assert.Equal(20, _bag.Count);
        Assert.All(Enumerable.Range(0, 20), i => Assert.Equal($"value {i}", _bag[i]));
        Assert.Equal(Enumerable.Range(0, 20).Cast<object>(), _bag.Keys);
    }

    [Fact]
    public void Clear_EmptiesTheBag_WhichStillWorks()
    {
        _bag["a"] = 1;
        _bag["b"] = 2;

        _bag.Clear();
        _bag["c"] = 3;

        Assert.False(_bag.ContainsKey("a"));
        Assert.Equal([new KeyValuePair<object, object?>("c", 3)], _bag);
    }

    [Fact]
    public void KeysValuesAndEnumeration_AreSnapshots()
    {
        _bag["a"] = 1;
        _bag["b"] = 2;
        var keys = _bag.Keys;
        var values = _bag.Values;
        var seen = new List<object>();

        foreach (var (key, _) in _bag)
        {
            // Changing the bag while enumerating it neither throws nor shows up in the enumeration.
            _bag.Remove(key);
            _bag[$"{key}'"] = 0;
            seen.Add(key);
        }

        Assert.Equal(["a", "b"], keys);
        Assert.Equal([1, 2], values);
        Assert.Equal(["a", "b"], seen);
        Assert.Equal(["a'", "b'"], _bag.Keys);
        Assert.True(keys.IsReadOnly);
    }

    [Fact]
    public void CopyTo_AtAnOffset_CopiesEveryPair()
    {
        _bag["a"] = 1;
        _bag["b"] = 2;
        var array = new KeyValuePair<object, object?>[3];

        _bag.CopyTo(array, 1);

        Assert.Equal([default, new("a", 1), new("b", 2)], array);
    }

    [Fact]
    public void CopyTo_BadArguments_Throw()
    {
        _bag["a"] = 1;
        _bag["b"] = 2;

        Assert.Throws<ArgumentNullException>(() => _bag.CopyTo(null!, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _bag.CopyTo(new KeyValuePair<object, object?>[2], -1));
        Assert.Throws<ArgumentException>(() => _bag.CopyTo(new KeyValuePair<object, object?>[2], 1));
    }

    [Fact]
    public void IsReadOnly_IsFalse() => Assert.False(_bag.IsReadOnly);

    [Fact]
    public void Concurrent_SameKeyFromSeveralThreads_AddedByOneAtATime()
    {
        const int Rounds = 20_000;
        var added = new int[3];

        // All threads keep trying to add one key; the one that did owns it until it removes it. Two adds let through at
        // once would show as a thread finding another's value, or failing to remove the key it owns.
        OnThreads(added.Length, thread =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                try
                {
                    _bag.Add("key", thread);
                }
                catch (ArgumentException)
                {
                    // Another thread owns it.
                    continue;
                }

                added[thread]++;
                Assert.Equal(thread, _bag["key"]);
                Assert.True(_bag.Remove("key"));
            }
        });

        Assert.InRange(added.Sum(), 1, Rounds * added.Length);
        Assert.Empty(_bag);
    }

    [Fact]
    public void Concurrent_WritersAndReaders_SnapshotsAreAlwaysWhole()
    {
        const int Writers = 3;
        const int Rounds = 2000;

        // Each writer adds its own key, replaces its value, then removes it: a reader must never see a torn pair or a
        // key twice, whatever the moment.
        OnThreads(Writers + 2, thread =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                if (thread < Writers)
                {
                    _bag.Add(thread, thread);
                    _bag[thread] = -thread;
                    Assert.True(_bag.Remove(thread));
                }
                else
                {
                    // Enumerated, not ToArray: that reads Count, then copies, two steps another thread may come between.
                    var snapshot = new List<KeyValuePair<object, object?>>();
                    foreach (var pair in _bag)
                    {
                        snapshot.Add(pair);
                    }

                    Assert.InRange(snapshot.Count, 0, Writers);
                    Assert.Equal(snapshot.Count, snapshot.Select(p => p.Key).Distinct().Count());
                    Assert.All(snapshot, p => Assert.Equal(Math.Abs((int)p.Value!), (int)p.Key));
                    Assert.InRange(_bag.Count, 0, Writers);
                }
            }
        });

        Assert.Empty(_bag);
    }

    // Runs body(index) on that many threads started together; fails the test on a thread's exception or a hang.
    private static void OnThreads(int count, Action<int> body)
    {
        using var start = new Barrier(count);
        var errors = new ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, count).Select(index => new Thread(() =>
        {
            try
            {
                Meet(start);
                body(index);
            }
            catch (Exception e)
            {
                errors.Enqueue(e);

                // The others must not wait for this one at the barrier.
                start.RemoveParticipant();
            }
        })).ToList();

        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(TestTimeouts.Network), "A thread did not finish in time."));
        Assert.Empty(errors);
    }

    private static void Meet(Barrier barrier)
    {
        if (!barrier.SignalAndWait(TestTimeouts.Network))
        {
            throw new TimeoutException("The other threads did not reach the barrier in time.");
        }
    }
}
