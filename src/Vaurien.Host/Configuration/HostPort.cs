using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Vaurien.Host.Configuration;

/// <summary>A <c>HOST:PORT</c> address as Vaurien takes it (<c>localhost:8000</c>, <c>127.0.0.1:6379</c>, <c>[::1]:80</c>).</summary>
internal sealed record HostPort(string Host, int Port)
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out HostPort? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        error = null;
        var trimmed = text?.Trim() ?? "";
        var colon = trimmed.LastIndexOf(':');
        if (colon <= 0 || colon == trimmed.Length - 1)
        {
            error = $"'{text}' is not a HOST:PORT address (e.g. localhost:8000)";
            return false;
        }

        var host = trimmed[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':'))
        {
            error = $"'{text}' is not a HOST:PORT address: write an IPv6 host in brackets, e.g. [::1]:8000";
            return false;
        }

        if (!int.TryParse(trimmed.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            error = $"'{text}' has no valid port: use a number from 0 to 65535";
            return false;
        }

        value = new HostPort(host, port);
        return true;
    }

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
