using System.Buffers;
using System.Text;

namespace Vaurien.Protocols;

/// <summary>
/// Vaurien's <c>http</c>: one HTTP/1.x request and its response is one exchange; an injected error is a small
/// 5xx response that closes the connection.
/// </summary>
/// <remarks>
/// <code>
/// client.Input --frame head--&gt; exchange --&gt; backend.Output, then the body streamed piece by piece
/// client.Output &lt;--frame head, stream body-- backend.Input    (1xx interim responses first, relayed as they come)
/// </code>
/// Requests are handled one at a time, in order: the next one is read once the previous response is relayed, so
/// pipelined requests keep their order and an injected error takes exactly its request's place. The exchange's
/// data is the request head (Host rewritten to the backend unless <c>overwrite_host_header</c> is off); the
/// response head is what the after-hook sees. Bodies (Content-Length, chunked, until close) are never gathered.
/// Connection: close on either side, or HTTP/1.0 without keep-alive, ends the connection after the response;
/// 101 Switching Protocols or a 2xx to CONNECT turns the rest into a plain two-way relay. Half-close: the client's
/// end of stream between requests goes to the backend, whose remaining bytes follow until its own end.
/// </remarks>
[ExportProtocol("http", Description = "HTTP/1.x: one request and its response is one exchange; errors are 5xx responses that close the connection.")]
internal sealed class Http : Protocol<HttpOptions>
{
    protected override async Task RunAsync(ProtocolConnection connection, HttpOptions options)
    {
        using var session = new HttpSession(connection, options);
        await session.RunAsync();
    }

    protected override async ValueTask WriteErrorAsync(ProtocolConnection connection, BehaviorContext exchange, string? message, HttpOptions options)
    {
        // Requests are handled one at a time, so nothing else writes to the client meanwhile; the connection then ends.
        var codes = options.ErrorCodes;
        var code = codes.Length == 0 ? 500 : codes[exchange.Random.Next(codes.Length)];
        var reason = ReasonPhrase(code);
        var body = Encoding.UTF8.GetBytes($"{code} {reason}: {message ?? "error injected by Vaurien"}\n");
        var head = $"HTTP/1.1 {code} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        var output = connection.Client.Output;
        output.Write(Encoding.ASCII.GetBytes(head));
        if (exchange.Command != "HEAD")
        {
            output.Write(body);
        }

        await output.FlushAsync();
    }

    private static string ReasonPhrase(int code) => code switch
    {
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    };
}
