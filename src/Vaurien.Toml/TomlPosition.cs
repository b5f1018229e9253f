namespace Vaurien.Toml;

/// <summary>A 1-based line and column in a TOML source; columns count Unicode characters, a tab counts as one.</summary>
/// <param name="Line">The 1-based line number.</param>
/// <param name="Column">The 1-based column number.</param>
public readonly record struct TomlPosition(int Line, int Column)
{
    /// <summary>Returns the position as <c>(line,column)</c>.</summary>
    public override string ToString() => $"({Line},{Column})";
}
