namespace Vaurien.Protocols;

/// <summary>
/// The options of the <c>memcache</c> protocol: Vaurien's common ones, the error text and the largest frame accepted.
/// </summary>
public sealed record MemcacheOptions : ProtocolOptions
{
    /// <summary>The text after <c>SERVER_ERROR</c> sent when a behavior answers with an error. Defaults to "Vaurien injected error".</summary>
    [Option("Error message: the text of the SERVER_ERROR line sent when a behavior answers a command with an error. Defaults to \"Vaurien injected error\".")]
    public string ErrorMessage { get; init; } = "Vaurien injected error";

    /// <summary>The largest command (with its data block) or response accepted, in bytes; a longer one closes the connection. Defaults to 64 MiB.</summary>
    [Option("Largest frame: the most bytes one command with its data block, or one response, may take; a longer one (or a data block length announcing it) closes the connection. Defaults to 67108864 (64 MiB).", Min = 1024, Max = int.MaxValue)]
    public int MaxFrame { get; init; } = 64 * 1024 * 1024;
}
