using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Vaurien.Host.Proxy;

/// <summary>
/// The dictionary behind <see cref="ConnectionInfo.Items"/>: thread-safe (both directions' behaviors and the protocol
/// may use it at once), for the handful of entries a connection holds. One lock around a small array searched in order.
/// </summary>
/// <remarks>
/// A ConcurrentDictionary sized for two entries still cost ~250 bytes per connection that used it (its tables, buckets,
/// node, lock and count arrays); this costs ~120 with one or two entries (the bag 40, its lock 24, the array 56).
/// <see cref="Keys"/>, <see cref="Values"/> and enumeration are copies taken under the lock, so they never see a
/// half-made change; <see cref="Count"/> then <see cref="CopyTo"/> (what LINQ's ToArray does) are two steps that
/// another thread may come between.
/// </remarks>
internal sealed class ItemBag : IDictionary<object, object?>
{
    // One or two entries is the common case: the tcp protocol's session, a behavior's state.
    private const int InitialCapacity = 2;

    // Not the bag itself: plugins see the bag, and one of them locking it must not stall the connection.
    private readonly object _lock = new();
    private KeyValuePair<object, object?>[] _entries = [];
    private int _count;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    public bool IsReadOnly => false;

    public ICollection<object> Keys => Snapshot(static entry => entry.Key);

    public ICollection<object?> Values => Snapshot(static entry => entry.Value);

    public object? this[object key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The key '{key}' is not in the connection's items.");
        set => Set(key, value, replace: true);
    }

    public void Add(object key, object? value) => Set(key, value, replace: false);

    public void Add(KeyValuePair<object, object?> item) => Add(item.Key, item.Value);

    public bool ContainsKey(object key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            return IndexOf(key) >= 0;
        }
    }

    public bool Contains(KeyValuePair<object, object?> item)
    {
        lock (_lock)
        {
            return IndexOf(item) >= 0;
        }
    }

    public bool TryGetValue(object key, [MaybeNullWhen(false)] out object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            var index = IndexOf(key);
            value = index >= 0 ? _entries[index].Value : null;
            return index >= 0;
        }
    }

    public bool Remove(object key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            return RemoveAt(IndexOf(key));
        }
    }

    public bool Remove(KeyValuePair<object, object?> item)
    {
        lock (_lock)
        {
            return RemoveAt(IndexOf(item));
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            Array.Clear(_entries, 0, _count);
            _count = 0;
        }
    }

    public void CopyTo(KeyValuePair<object, object?>[] array, int arrayIndex)
    {
        ArgumentNullException.ThrowIfNull(array);
        ArgumentOutOfRangeException.ThrowIfNegative(arrayIndex);
        lock (_lock)
        {
            if (array.Length - arrayIndex < _count)
            {
                throw new ArgumentException("The array is too small to hold the connection's items from that index.", nameof(array));
            }

            Array.Copy(_entries, 0, array, arrayIndex, _count);
        }
    }

    public IEnumerator<KeyValuePair<object, object?>> GetEnumerator() =>
        ((IEnumerable<KeyValuePair<object, object?>>)Snapshot(static entry => entry)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void Set(object key, object? value, bool replace)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            var index = IndexOf(key);
            if (index >= 0)
            {
                if (!replace)
                {
                    throw new ArgumentException($"The key '{key}' is already in the connection's items.", nameof(key));
                }

                _entries[index] = new(_entries[index].Key, value);
                return;
            }

            if (_count == _entries.Length)
            {
                Array.Resize(ref _entries, _count == 0 ? InitialCapacity : _count * 2);
            }

            _entries[_count++] = new(key, value);
        }
    }

    private T[] Snapshot<T>(Func<KeyValuePair<object, object?>, T> select)
    {
        lock (_lock)
        {
            var snapshot = new T[_count];
            for (var i = 0; i < _count; i++)
            {
                snapshot[i] = select(_entries[i]);
            }

            return snapshot;
        }
    }

    // Under the lock: where the key is with that value, or -1.
    private int IndexOf(KeyValuePair<object, object?> item)
    {
        ArgumentNullException.ThrowIfNull(item.Key);
        var index = IndexOf(item.Key);
        return index >= 0 && EqualityComparer<object?>.Default.Equals(_entries[index].Value, item.Value) ? index : -1;
    }

    // Under the lock. Keys compare with Equals, as a Dictionary's default comparer does.
    private int IndexOf(object key)
    {
        for (var i = 0; i < _count; i++)
        {
            if (_entries[i].Key.Equals(key))
            {
                return i;
            }
        }

        return -1;
    }

    // Under the lock. Keeps the others in the order they were added; false when there is nothing at index.
    private bool RemoveAt(int index)
    {
        if (index < 0)
        {
            return false;
        }

        _count--;
        Array.Copy(_entries, index + 1, _entries, index, _count - index);
        _entries[_count] = default;
        return true;
    }
}
