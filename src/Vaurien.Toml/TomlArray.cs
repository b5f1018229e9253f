using System.Collections;

namespace Vaurien.Toml;

/// <summary>A TOML array (<c>[1, "two"]</c>, mixed types allowed) or an array of tables (<c>[[name]]</c>).</summary>
public sealed class TomlArray : TomlValue, IReadOnlyList<TomlValue>
{
    private readonly List<TomlValue> _items = [];

    internal TomlArray(TomlPosition position, int depth, bool isArrayOfTables)
        : base(position)
    {
        Depth = depth;
        IsArrayOfTables = isArrayOfTables;
    }

    /// <inheritdoc />
    public override TomlValueKind Kind => TomlValueKind.Array;

    /// <summary>The number of items.</summary>
    public int Count => _items.Count;

    /// <summary>Whether the array was built by <c>[[name]]</c> headers rather than written as a value.</summary>
    public bool IsArrayOfTables { get; }

    /// <summary>How deep this container sits under the root table (which is 0).</summary>
    internal int Depth { get; }

    /// <summary>The item at <paramref name="index"/>.</summary>
    public TomlValue this[int index] => _items[index];

    /// <summary>Enumerates the items in order.</summary>
    public IEnumerator<TomlValue> GetEnumerator() => _items.GetEnumerator();

    /// <summary>Returns a short description: <c>array (3 items)</c>.</summary>
    public override string ToString() => $"array ({Count} items)";

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal void Add(TomlValue item) => _items.Add(item);
}
