namespace Vaurien.Protocols;

/// <summary>
/// The options of the <c>smtp</c> protocol: Vaurien's common ones, the injected reply and the longest line accepted.
/// </summary>
public sealed record SmtpOptions : ProtocolOptions
{
    /// <summary>The reply code sent when a behavior answers a command with an error, from 400 to 599. Defaults to 451.</summary>
    [Option("Error code: the SMTP reply code sent when a behavior answers a command with an error, 4xx (transient) or 5xx (permanent). Defaults to 451.", Min = 400, Max = 599)]
    public int ErrorCode { get; init; } = 451;

    /// <summary>The text of the injected error reply, after its code. Defaults to "4.3.0 Vaurien injected error".</summary>
    [Option("Error message: the text after the code of the SMTP reply sent when a behavior answers a command with an error. Defaults to \"4.3.0 Vaurien injected error\".")]
    public string ErrorMessage { get; init; } = "4.3.0 Vaurien injected error";

    /// <summary>
    /// The most bytes one command line, or one server reply with all its lines, may take; a longer one closes the
    /// connection. Message bodies are streamed and not bound by it. Defaults to 65536.
    /// </summary>
    [Option("Longest line: the most bytes one command line, or one server reply with all its lines, may take; a longer one closes the connection. Message bodies are streamed, not bound by it. Defaults to 65536.", Min = 512, Max = 64 * 1024 * 1024)]
    public int MaxLine { get; init; } = 64 * 1024;
}
