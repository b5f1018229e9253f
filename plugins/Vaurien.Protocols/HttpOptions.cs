namespace Vaurien.Protocols;

/// <summary>
/// The options of the <c>http</c> protocol: Vaurien's common ones, the Host header rewrite, the status codes of
/// injected errors and the largest head (request or status line and headers) accepted.
/// </summary>
public sealed record HttpOptions : ProtocolOptions
{
    /// <summary>Rewrites each request's Host header to the backend's host:port. Defaults to true.</summary>
    [Option("If true, the Host header of each request is rewritten to the backend's host:port, as Vaurien does. Defaults to true.")]
    public bool OverwriteHostHeader { get; init; } = true;

    /// <summary>The status codes an injected error picks from at random. Defaults to 500, 501, 502 and 503.</summary>
    [Option("Status codes an injected error picks from at random, each from 400 to 599. Defaults to 500,501,502,503.", Min = 400, Max = 599)]
    public int[] ErrorCodes { get; init; } = [500, 501, 502, 503];

    /// <summary>The largest head (start line and headers, trailers likewise) accepted, in bytes; a longer one closes the connection. Defaults to 65536.</summary>
    [Option("Largest header: the most bytes a request's or response's start line and headers (or a chunked body's trailers) may take; a longer one closes the connection. Defaults to 65536.", Min = 1024, Max = 16 * 1024 * 1024)]
    public int MaxHeader { get; init; } = 64 * 1024;
}
