namespace Vaurien.Toml;

/// <summary>One part of a (possibly dotted) key and the offset where it is written.</summary>
internal readonly record struct KeySegment(string Name, int Offset);
