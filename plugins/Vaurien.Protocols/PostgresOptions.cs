namespace Vaurien.Protocols;

/// <summary>
/// The options of the <c>postgres</c> protocol: Vaurien's common ones, the injected ErrorResponse's SQLSTATE and
/// text, and the largest message accepted.
/// </summary>
public sealed record PostgresOptions : ProtocolOptions
{
    /// <summary>The SQLSTATE (field C) of the ErrorResponse sent when a behavior answers with an error. Defaults to "57P01".</summary>
    [Option("SQL state: the five-character SQLSTATE code (field C) of the ErrorResponse sent when a behavior answers a request with an error. Defaults to \"57P01\" (admin_shutdown).")]
    public string SqlState { get; init; } = "57P01";

    /// <summary>The text (field M) of the ErrorResponse sent when a behavior answers with an error.</summary>
    [Option("Error message: the text (field M) of the ErrorResponse sent when a behavior answers a request with an error. Defaults to \"terminating connection due to administrator command (Vaurien injected error)\".")]
    public string ErrorMessage { get; init; } = "terminating connection due to administrator command (Vaurien injected error)";

    /// <summary>The largest message (or extended-query batch up to its Sync) accepted, in bytes; a longer one closes the connection. Defaults to 64 MiB.</summary>
    [Option("Largest frame: the most bytes one message, or one extended-query batch up to its Sync, may take; a longer one (or a length announcing it) closes the connection. Defaults to 67108864 (64 MiB).", Min = 1024, Max = int.MaxValue)]
    public int MaxFrame { get; init; } = 64 * 1024 * 1024;
}
