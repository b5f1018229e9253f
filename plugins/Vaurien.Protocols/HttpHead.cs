using System.Buffers;
using System.Text;

namespace Vaurien.Protocols;

/// <summary>
/// What the proxy needs of one request or response head (start line and headers): how its body is delimited,
/// whether the connection persists after it, and where the Host header stands for the rewrite.
/// </summary>
/// <param name="Method">The request's method (<c>GET</c>...); null for a response.</param>
/// <param name="StatusCode">The response's status code; 0 for a request.</param>
/// <param name="Http11">HTTP/1.1 rather than HTTP/1.0.</param>
/// <param name="ContentLength">The Content-Length, or -1 without one.</param>
/// <param name="HasTransferEncoding">A Transfer-Encoding header is there.</param>
/// <param name="Chunked">The last transfer coding is chunked.</param>
/// <param name="Close">Connection: close.</param>
/// <param name="KeepAlive">Connection: keep-alive (what makes an HTTP/1.0 connection persist).</param>
/// <param name="HostStart">Where the Host header line starts in the head; -1 without one.</param>
/// <param name="HostLength">The Host header line's length, its CRLF included.</param>
internal readonly record struct HttpHead(
    string? Method, int StatusCode, bool Http11, long ContentLength, bool HasTransferEncoding, bool Chunked, bool Close, bool KeepAlive, int HostStart, int HostLength)
{
    // RFC 9110 tchar: what a method or a header name is made of.
    private static readonly SearchValues<byte> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    // Methods named without allocating a string per request.
    private static readonly string[] KnownMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE"];

    // Longer than any real method: a longer first word is not one worth a string.
    private const int MaxMethodLength = 32;

    // 18 digits always fit a long.
    private const int MaxLengthDigits = 18;

    /// <summary>Whether the connection may carry another message after this one, as far as this head says.</summary>
    public bool Persistent => !Close && (Http11 || KeepAlive);

    /// <summary>How the body after this request head is delimited.</summary>
    public HttpFramer.Body RequestBody() =>
        Method == "CONNECT" ? HttpFramer.Body.None
        : HasTransferEncoding ? HttpFramer.Body.Chunked
        : ContentLength > 0 ? HttpFramer.Body.Length : HttpFramer.Body.None;

    /// <summary>How the body after this response head is delimited, for a request made with <paramref name="method"/>.</summary>
    public HttpFramer.Body ResponseBody(string? method)
    {
        if (StatusCode == 101 || (method == "CONNECT" && StatusCode is >= 200 and < 300))
        {
            return HttpFramer.Body.Tunnel;
        }

        if (method == "HEAD" || StatusCode is < 200 or 204 or 304)
        {
            return HttpFramer.Body.None;
        }

        if (HasTransferEncoding)
        {
            return Chunked ? HttpFramer.Body.Chunked : HttpFramer.Body.UntilClose;
        }

        return ContentLength switch
        {
            0 => HttpFramer.Body.None,
            > 0 => HttpFramer.Body.Length,
            _ => HttpFramer.Body.UntilClose,
        };
    }

    /// <summary>Parses a whole head, its final blank line included; false if it is not HTTP/1.x or is ambiguous.</summary>
    public static bool TryParse(ReadOnlySpan<byte> head, bool request, out HttpHead parsed)
    {
        parsed = default;
        var end = head.IndexOf("\r\n"u8);
        if (end < 0)
        {
            return false;
        }

        string? method = null;
        var status = 0;
        bool http11;
        if (request ? !TryParseRequestLine(head[..end], out method, out http11) : !TryParseStatusLine(head[..end], out status, out http11))
        {
            return false;
        }

        long contentLength = -1;
        bool transferEncoding = false, chunked = false, close = false, keepAlive = false;
        int hostStart = -1, hostLength = 0;
        var position = end + 2;
        while (true)
        {
            var rest = head[position..];
            var lineEnd = rest.IndexOf("\r\n"u8);
            if (lineEnd <= 0)
            {
                // The blank line that ends the head (or a head cut short).
                break;
            }

            var line = rest[..lineEnd];
            var colon = line.IndexOf((byte)':');

            // A bare CR or LF inside a line is where request smuggling hides: refuse rather than guess.
            if (colon <= 0 || line.IndexOfAny("\r\n\0"u8) >= 0 || line[..colon].IndexOfAnyExcept(TokenChars) >= 0)
            {
                return false;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!TryParseLength(value, out var length) || (contentLength >= 0 && contentLength != length))
                {
                    return false;
                }

                contentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                transferEncoding = true;
                chunked = Ascii.EqualsIgnoreCase(LastItem(value), "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                close |= HasItem(value, "close"u8);
                keepAlive |= HasItem(value, "keep-alive"u8);
            }
            else if (request && Ascii.EqualsIgnoreCase(name, "Host"u8))
            {
                if (hostStart >= 0)
                {
                    return false;
                }

                hostStart = position;
                hostLength = lineEnd + 2;
            }

            position += lineEnd + 2;
        }

        // A request's body must be delimited one way only, and chunked last (RFC 9112 6.1): anything else smuggles.
        if (request && transferEncoding && (!chunked || contentLength >= 0))
        {
            return false;
        }

        parsed = new HttpHead(method, status, http11, contentLength, transferEncoding, chunked, close, keepAlive, hostStart, hostLength);
        return true;
    }

    private static bool TryParseRequestLine(ReadOnlySpan<byte> line, out string? method, out bool http11)
    {
        method = null;
        http11 = false;
        var first = line.IndexOf((byte)' ');
        var last = line.LastIndexOf((byte)' ');
        if (first <= 0 || first > MaxMethodLength || last <= first + 1 || line[..first].IndexOfAnyExcept(TokenChars) >= 0)
        {
            return false;
        }

        var target = line[(first + 1)..last];
        if (target.IndexOfAnyInRange((byte)0, (byte)' ') >= 0 || !TryParseVersion(line[(last + 1)..], out http11))
        {
            return false;
        }

        method = MethodName(line[..first]);
        return true;
    }

    private static bool TryParseStatusLine(ReadOnlySpan<byte> line, out int status, out bool http11)
    {
        // HTTP/1.1 200 OK; the reason phrase may be empty, and its space too.
        status = 0;
        http11 = false;
        if (line.Length < 12 || line[8] != (byte)' ' || (line.Length > 12 && line[12] != (byte)' ') || !TryParseVersion(line[..8], out http11))
        {
            return false;
        }

        var digits = line[9..12];
        if (digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0 || digits[0] == (byte)'0')
        {
            return false;
        }

        status = ((digits[0] - '0') * 100) + ((digits[1] - '0') * 10) + (digits[2] - '0');
        return true;
    }

    private static bool TryParseVersion(ReadOnlySpan<byte> version, out bool http11)
    {
        http11 = version.SequenceEqual("HTTP/1.1"u8);
        return http11 || version.SequenceEqual("HTTP/1.0"u8);
    }

    // "5" or "5, 5" (a list of the same length, RFC 9110 8.6); anything else is ambiguous.
    private static bool TryParseLength(ReadOnlySpan<byte> value, out long length)
    {
        length = -1;
        foreach (var range in value.Split((byte)','))
        {
            var item = value[range].Trim(" \t"u8);
            if (item.IsEmpty || item.Length > MaxLengthDigits || item.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
            {
                return false;
            }

            long parsed = 0;
            foreach (var digit in item)
            {
                parsed = (parsed * 10) + (digit - '0');
            }

            if (length >= 0 && parsed != length)
            {
                return false;
            }

            length = parsed;
        }

        return length >= 0;
    }

    private static bool HasItem(ReadOnlySpan<byte> value, ReadOnlySpan<byte> item)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(value[range].Trim(" \t"u8), item))
            {
                return true;
            }
        }

        return false;
    }

    private static ReadOnlySpan<byte> LastItem(ReadOnlySpan<byte> value)
    {
        var comma = value.LastIndexOf((byte)',');
        return value[(comma + 1)..].Trim(" \t"u8);
    }

    private static string MethodName(ReadOnlySpan<byte> method)
    {
        foreach (var known in KnownMethods)
        {
            if (Ascii.Equals(method, known))
            {
                return known;
            }
        }

        return Encoding.ASCII.GetString(method);
    }
}
