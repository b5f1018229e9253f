using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Vaurien.Toml;

/// <summary>
/// A TOML table: keys in document order, each with its value and the position where the key was written
/// (<see cref="GetKeyPosition"/>), so that errors can point at the key as well as at the value.
/// </summary>
public sealed class TomlTable : TomlValue, IReadOnlyDictionary<string, TomlValue>
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _keys = [];

    internal TomlTable(TomlPosition position, int depth, TableOrigin origin, string path, int section)
        : base(position)
    {
        Depth = depth;
        Origin = origin;
        Path = path;
        Section = section;
    }

    /// <inheritdoc />
    public override TomlValueKind Kind => TomlValueKind.Table;

    /// <summary>The number of keys.</summary>
    public int Count => _keys.Count;

    /// <summary>The keys, in the order they were first written.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>The values, in key order.</summary>
    public IEnumerable<TomlValue> Values => _keys.Select(key => _entries[key].Value);

    IEnumerable<string> IReadOnlyDictionary<string, TomlValue>.Keys => Keys;

    /// <summary>Whether the table was written inline (<c>{ ... }</c>) or built by dotted keys inside one.</summary>
    internal bool IsFrozen { get; private set; }

    internal TableOrigin Origin { get; set; }

    /// <summary>The header section that created a dotted table; dotted keys of later sections may not extend it.</summary>
    internal int Section { get; set; }

    /// <summary>How deep this container sits under the root table (which is 0).</summary>
    internal int Depth { get; }

    /// <summary>The dotted path from the root, for messages.</summary>
    internal string Path { get; }

    /// <summary>The value of <paramref name="key"/>; throws <see cref="KeyNotFoundException"/> when absent.</summary>
    public TomlValue this[string key] =>
        _entries.TryGetValue(key, out var entry)
            ? entry.Value
            : throw new KeyNotFoundException($"The TOML table has no key '{key}'.");

    /// <summary>Whether the table has <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => _entries.ContainsKey(key);

    /// <summary>Gets the value of <paramref name="key"/> if present.</summary>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TomlValue value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            value = entry.Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>
    /// Where <paramref name="key"/> was first written in the source: the key itself in <c>key = value</c>, its part in a
    /// dotted key or header (<c>b</c> in <c>a.b.c = 1</c> or <c>[a.b]</c>). Throws <see cref="KeyNotFoundException"/> when absent.
    /// </summary>
    public TomlPosition GetKeyPosition(string key) =>
        _entries.TryGetValue(key, out var entry)
            ? entry.KeyPosition
            : throw new KeyNotFoundException($"The TOML table has no key '{key}'.");

    /// <summary>Gets where <paramref name="key"/> was first written, if present. See <see cref="GetKeyPosition"/>.</summary>
    public bool TryGetKeyPosition(string key, out TomlPosition position)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            position = entry.KeyPosition;
            return true;
        }

        position = default;
        return false;
    }

    /// <summary>Enumerates the key-value pairs in document order.</summary>
    public IEnumerator<KeyValuePair<string, TomlValue>> GetEnumerator()
    {
        foreach (var key in _keys)
        {
            yield return new KeyValuePair<string, TomlValue>(key, _entries[key].Value);
        }
    }

    /// <summary>Returns a short description: <c>table (2 keys)</c>.</summary>
    public override string ToString() => $"table ({Count} keys)";

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal void Add(string key, TomlValue value, TomlPosition keyPosition)
    {
        _entries.Add(key, new Entry(value, keyPosition));
        _keys.Add(key);
    }

    /// <summary>Makes this table and the dotted tables inside it immutable (nested inline tables already are).</summary>
    internal void Freeze()
    {
        IsFrozen = true;
        foreach (var key in _keys)
        {
            if (_entries[key].Value is TomlTable { IsFrozen: false } child)
            {
                child.Freeze();
            }
        }
    }

    private readonly record struct Entry(TomlValue Value, TomlPosition KeyPosition);
}
