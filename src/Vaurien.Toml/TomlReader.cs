using System.Text;

namespace Vaurien.Toml;

/// <summary>The recursive-descent TOML 1.0.0 parser behind <see cref="TomlParser"/>; one instance per document.</summary>
internal sealed partial class TomlReader
{
    private const int Eof = -1;

    private readonly string _text;
    private readonly string? _sourceName;
    private readonly LineMap _lines;
    private readonly TomlTable _root;
    private readonly StringBuilder _builder = new();
    private TomlTable _current;
    private int _section;
    private int _pos;

    public TomlReader(string text, string? sourceName)
    {
        _text = text;
        _sourceName = sourceName;
        _lines = new LineMap(text);
        _root = new TomlTable(new TomlPosition(1, 1), 0, TableOrigin.Root, string.Empty, 0);
        _current = _root;
    }

    public TomlDocument Read()
    {
        CheckSurrogates();
        if (_text.Length > 0 && _text[0] == '\uFEFF')
        {
            _pos = 1;
        }

        while (true)
        {
            SkipWhitespace();
            var c = Peek();
            if (c == Eof)
            {
                break;
            }

            if (c == '[')
            {
                ParseTableHeader();
            }
            else if (c != '#' && c != '\n' && c != '\r')
            {
                ParseKeyValue(_current);
            }

            ExpectLineEnd();
        }

        return new TomlDocument(_root, _sourceName);
    }

    private void ParseKeyValue(TomlTable table)
    {
        var key = ParseKey();
        if (Peek() != '=')
        {
            throw Error(_pos, $"expected '=' after the key, found {Describe(Peek())}");
        }

        _pos++;
        SkipWhitespace();

        // Resolve the key first so that a duplicate is reported at the key, before its value is read.
        var parent = ResolveDottedKey(table, key);
        var last = key[^1];
        var keyPosition = Position(last.Offset);
        var value = ParseValue(parent.Depth + 1, Join(parent.Path, last.Name));
        parent.Add(last.Name, value, keyPosition);
    }

    /// <summary>Walks or creates the tables of a dotted key; returns the table that receives its last part.</summary>
    private TomlTable ResolveDottedKey(TomlTable table, List<KeySegment> key)
    {
        var target = table;
        for (var i = 0; i < key.Count - 1; i++)
        {
            var segment = key[i];
            var path = Join(target.Path, segment.Name);
            if (!target.TryGetValue(segment.Name, out var existing))
            {
                CheckDepth(target.Depth + 1, segment.Offset);
                var created = new TomlTable(Position(segment.Offset), target.Depth + 1, TableOrigin.Dotted, path, _section);
                target.Add(segment.Name, created, Position(segment.Offset));
                target = created;
                continue;
            }

            if (existing is not TomlTable sub)
            {
                throw Error(segment.Offset, $"cannot use '{path}' as a table: it is already defined as {Article(existing)}");
            }

            if (sub.IsFrozen)
            {
                throw Error(segment.Offset, $"cannot add keys to the inline table '{path}': inline tables are complete once closed");
            }

            var extendable = sub.Origin == TableOrigin.Implicit || (sub.Origin == TableOrigin.Dotted && sub.Section == _section);
            if (!extendable)
            {
                throw Error(segment.Offset, $"cannot add keys to the table '{path}' with dotted keys: it is defined elsewhere with a [header]");
            }

            // Once used by dotted keys, a table can no longer be defined by a [header].
            sub.Origin = TableOrigin.Dotted;
            sub.Section = _section;
            target = sub;
        }

        var last = key[^1];
        if (target.ContainsKey(last.Name))
        {
            throw Error(last.Offset, $"duplicate key '{Join(target.Path, last.Name)}'");
        }

        return target;
    }

    private void ParseTableHeader()
    {
        var start = _pos;
        _pos++;
        var isArray = Peek() == '[';
        if (isArray)
        {
            _pos++;
        }

        SkipWhitespace();
        var key = ParseKey();
        if (Peek() != ']')
        {
            throw Error(_pos, $"expected ']' to close the table header, found {Describe(Peek())}");
        }

        _pos++;
        if (isArray)
        {
            if (Peek() != ']')
            {
                throw Error(_pos, $"expected ']]' to close the array-of-tables header, found {Describe(Peek())}");
            }

            _pos++;
        }

        _section++;
        var headerPosition = Position(start);
        var table = _root;
        for (var i = 0; i < key.Count - 1; i++)
        {
            table = DescendForHeader(table, key[i]);
        }

        var last = key[^1];
        var path = Join(table.Path, last.Name);
        table.TryGetValue(last.Name, out var existing);
        _current = isArray
            ? AppendArrayTable(table, last, path, existing, headerPosition)
            : DefineTable(table, last, path, existing, headerPosition);
    }

    private TomlTable DescendForHeader(TomlTable table, KeySegment segment)
    {
        var path = Join(table.Path, segment.Name);
        if (!table.TryGetValue(segment.Name, out var existing))
        {
            CheckDepth(table.Depth + 1, segment.Offset);
            var created = new TomlTable(Position(segment.Offset), table.Depth + 1, TableOrigin.Implicit, path, _section);
            table.Add(segment.Name, created, Position(segment.Offset));
            return created;
        }

        return existing switch
        {
            TomlTable { IsFrozen: true } => throw Error(segment.Offset, $"cannot add to the inline table '{path}': inline tables are complete once closed"),
            TomlTable sub => sub,
            TomlArray { IsArrayOfTables: true } array => (TomlTable)array[^1],
            TomlArray => throw Error(segment.Offset, $"cannot add to '{path}': it is a static array, not an array of tables"),
            _ => throw Error(segment.Offset, $"cannot use '{path}' as a table: it is already defined as {Article(existing)}"),
        };
    }

    private TomlTable DefineTable(TomlTable parent, KeySegment last, string path, TomlValue? existing, TomlPosition headerPosition)
    {
        switch (existing)
        {
            case null:
                CheckDepth(parent.Depth + 1, last.Offset);
                var created = new TomlTable(headerPosition, parent.Depth + 1, TableOrigin.Header, path, _section);
                parent.Add(last.Name, created, Position(last.Offset));
                return created;
            case TomlTable { IsFrozen: false, Origin: TableOrigin.Implicit } implicitTable:
                implicitTable.Origin = TableOrigin.Header;
                implicitTable.Position = headerPosition;
                return implicitTable;
            case TomlTable { IsFrozen: true }:
                throw Error(last.Offset, $"cannot define the table '{path}': it is already defined as an inline table");
            case TomlTable { Origin: TableOrigin.Dotted }:
                throw Error(last.Offset, $"cannot define the table '{path}': it is already defined by dotted keys");
            case TomlTable:
                throw Error(last.Offset, $"duplicate table '{path}'");
            case TomlArray { IsArrayOfTables: true }:
                throw Error(last.Offset, $"cannot define the table '{path}': it is already an array of tables ([[{path}]])");
            default:
                throw Error(last.Offset, $"cannot define the table '{path}': the key is already defined as {Article(existing)}");
        }
    }

    private TomlTable AppendArrayTable(TomlTable parent, KeySegment last, string path, TomlValue? existing, TomlPosition headerPosition)
    {
        TomlArray array;
        switch (existing)
        {
            case null:
                CheckDepth(parent.Depth + 2, last.Offset);
                array = new TomlArray(headerPosition, parent.Depth + 1, isArrayOfTables: true);
                parent.Add(last.Name, array, Position(last.Offset));
                break;
            case TomlArray { IsArrayOfTables: true } arrayOfTables:
                array = arrayOfTables;
                break;
            case TomlArray:
                throw Error(last.Offset, $"cannot append to '{path}': it is a static array, not an array of tables");
            default:
                throw Error(last.Offset, $"cannot define the array of tables '{path}': the key is already defined as {Article(existing)}");
        }

        var element = new TomlTable(headerPosition, array.Depth + 1, TableOrigin.Header, path, _section);
        array.Add(element);
        return element;
    }

    private List<KeySegment> ParseKey()
    {
        var segments = new List<KeySegment>();
        while (true)
        {
            SkipWhitespace();
            var start = _pos;
            var c = Peek();
            string name;
            if (c == '"' || c == '\'')
            {
                if (Peek(1) == c && Peek(2) == c)
                {
                    throw Error(start, "multi-line strings cannot be used as keys");
                }

                name = c == '"' ? ParseBasicString() : ParseLiteralString();
            }
            else if (IsBareKeyChar(c))
            {
                while (IsBareKeyChar(Peek()))
                {
                    _pos++;
                }

                name = _text[start.._pos];
            }
            else
            {
                throw Error(start, c is Eof or '\n' or '\r' or '=' or '.' or ']'
                    ? $"expected a key, found {Describe(c)}"
                    : $"unexpected {Describe(c)} in a key: bare keys may only use A-Z, a-z, 0-9, '_' and '-'");
            }

            segments.Add(new KeySegment(name, start));
            SkipWhitespace();
            if (Peek() != '.')
            {
                return segments;
            }

            _pos++;
        }
    }
}
