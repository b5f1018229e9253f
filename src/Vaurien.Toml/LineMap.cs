namespace Vaurien.Toml;

/// <summary>Turns offsets in the source text into 1-based line and column (columns count code points).</summary>
internal sealed class LineMap
{
    private readonly string _text;
    private readonly List<int> _lineStarts = [];

    // Positions are mostly asked in increasing order: resume counting from the last answer so that a
    // megabyte-long single line stays linear.
    private int _cachedLine = -1;
    private int _cachedOffset;
    private int _cachedColumn;

    public LineMap(string text)
    {
        _text = text;

        // A byte-order mark is not a visible column.
        _lineStarts.Add(text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public TomlPosition GetPosition(int offset)
    {
        offset = Math.Clamp(offset, _lineStarts[0], _text.Length);
        var line = _lineStarts.BinarySearch(offset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        var column = 1;
        var from = _lineStarts[line];
        if (line == _cachedLine && offset >= _cachedOffset)
        {
            from = _cachedOffset;
            column = _cachedColumn;
        }
        else if (line == _cachedLine && _cachedOffset - offset < offset - from)
        {
            column = _cachedColumn - CountColumns(offset, _cachedOffset);
            from = offset;
        }

        column += CountColumns(from, offset);

        _cachedLine = line;
        _cachedOffset = offset;
        _cachedColumn = column;
        return new TomlPosition(line + 1, column);
    }

    private int CountColumns(int from, int to)
    {
        var columns = 0;
        for (var i = from; i < to; i++)
        {
            // The second half of a surrogate pair is not a column of its own.
            if (!char.IsLowSurrogate(_text[i]))
            {
                columns++;
            }
        }

        return columns;
    }
}
