using Vaurien;

namespace My.Namespace;

/// <summary>
/// The options of the <c>super</c> protocol, declared once: each property is a flag
/// (<c>--protocol-super-max-line-length 4096</c>) and a TOML key (<c>max_line_length</c> under <c>[protocol.super]</c>).
/// Deriving from <see cref="ProtocolOptions"/> adds Vaurien's <c>buffer</c>, <c>keep_alive</c> and <c>reuse_socket</c>,
/// which the host applies to the sockets.
/// </summary>
public sealed record SuperProtocolOptions : ProtocolOptions
{
    /// <summary>The longest line framed as one exchange, in bytes. Defaults to 8192.</summary>
    [Option("Longest line framed as one exchange, in bytes, from 16 to 1048576; a longer line is passed on in pieces of this size. Defaults to 8192.", Min = 16, Max = 1024 * 1024)]
    public int MaxLineLength { get; init; } = 8192;
}
