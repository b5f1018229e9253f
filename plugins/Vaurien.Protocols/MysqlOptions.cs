namespace Vaurien.Protocols;

/// <summary>
/// The options of the <c>mysql</c> protocol: Vaurien's common ones, the injected ERR packet and the largest frame accepted.
/// </summary>
public sealed record MysqlOptions : ProtocolOptions
{
    /// <summary>The error code of the ERR packet sent when a behavior answers with an error. Defaults to 1053 (ER_SERVER_SHUTDOWN).</summary>
    [Option("Error code: the number of the ERR packet sent when a behavior answers a command with an error. Defaults to 1053 (ER_SERVER_SHUTDOWN).", Min = 1, Max = 65534)]
    public int ErrorCode { get; init; } = 1053;

    /// <summary>The five-character SQLSTATE of the injected ERR packet. Defaults to "08S01".</summary>
    [Option("SQL state: the five-character SQLSTATE of the ERR packet sent when a behavior answers with an error; padded or cut to five characters. Defaults to \"08S01\".")]
    public string SqlState { get; init; } = "08S01";

    /// <summary>The text of the injected ERR packet. Defaults to "Vaurien injected error".</summary>
    [Option("Error message: the text of the ERR packet sent when a behavior answers a command with an error. Defaults to \"Vaurien injected error\".")]
    public string ErrorMessage { get; init; } = "Vaurien injected error";

    /// <summary>The largest command or response packet accepted, in bytes; a longer one closes the connection. Defaults to 64 MiB.</summary>
    [Option("Largest frame: the most bytes one command (its packets together) or one response packet may take; a longer one (or a length announcing it) closes the connection. Defaults to 67108864 (64 MiB).", Min = 1024, Max = int.MaxValue)]
    public int MaxFrame { get; init; } = 64 * 1024 * 1024;
}
