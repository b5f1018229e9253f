using System.Text;

namespace Vaurien.TestHost;

/// <summary>
/// Keeps the last lines a host wrote (its log and messages), to put in a start failure or read in a test, and copies
/// them to an optional writer. Thread-safe; bounded, so a long or chatty run cannot grow it without end.
/// </summary>
internal sealed class CapturedOutput(TextWriter? copy) : TextWriter
{
    private const int MaxLines = 2000;

    private readonly Lock _lock = new();
    private readonly Queue<string> _lines = new();
    private readonly StringBuilder _current = new();
    private TextWriter? _copy = copy;

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (_lock)
            {
                var text = string.Join(Environment.NewLine, _lines);
                return _current.Length == 0 ? text : text + Environment.NewLine + _current;
            }
        }
    }

    public override void Write(char value)
    {
        lock (_lock)
        {
            if (value == '\n')
            {
                EndLine();
            }
            else if (value != '\r')
            {
                _current.Append(value);
            }
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        lock (_lock)
        {
            foreach (var c in value)
            {
                Write(c);
            }
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_lock)
        {
            Write(value);
            EndLine();
        }
    }

    public override void WriteLine() => Write('\n');

    /// <summary>Stops copying: the test that gave the writer may be over.</summary>
    public void Detach()
    {
        lock (_lock)
        {
            _copy = null;
        }
    }

    private void EndLine()
    {
        var line = _current.ToString();
        _current.Clear();
        _lines.Enqueue(line);
        if (_lines.Count > MaxLines)
        {
            _lines.Dequeue();
        }

        try
        {
            _copy?.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // xunit's test output refuses writes once its test is over: the line is still kept here.
            _copy = null;
        }
    }
}
