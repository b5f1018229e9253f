namespace Vaurien.Protocols;

/// <summary>
/// The options of the <c>redis</c> protocol: Vaurien's common ones, the error text and the largest frame accepted.
/// </summary>
public sealed record RedisOptions : ProtocolOptions
{
    /// <summary>The text of the RESP error sent when a behavior answers with an error. Defaults to "ERR Vaurien injected error".</summary>
    [Option("Error message: the text of the RESP error (-ERR ...) sent when a behavior answers a command with an error. Defaults to \"ERR Vaurien injected error\".")]
    public string ErrorMessage { get; init; } = "ERR Vaurien injected error";

    /// <summary>The largest command or reply accepted, in bytes; a longer one closes the connection. Defaults to 64 MiB.</summary>
    [Option("Largest frame: the most bytes one command or reply may take; a longer one (or a length announcing it) closes the connection. Defaults to 67108864 (64 MiB).", Min = 1024, Max = int.MaxValue)]
    public int MaxFrame { get; init; } = 64 * 1024 * 1024;
}
