using System.Diagnostics;
using System.Net;
using Vaurien.Testing.Network;

namespace Vaurien.Testing.Servers;

/// <summary>redis-cli (from redis-tools), the real client, run once against an endpoint with a deadline.</summary>
public static class RedisCli
{
    /// <summary>Runs <c>redis-cli --no-raw</c> with <paramref name="arguments"/> and returns what it printed.</summary>
    public static async Task<string> RunAsync(IPEndPoint endPoint, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-h", "127.0.0.1", "-p", endPoint.Port.ToString(), "--no-raw" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start.");
        using var cts = new CancellationTokenSource(TestTimeouts.Network);
        var output = process.StandardOutput.ReadToEndAsync(cts.Token);
        var errors = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"redis-cli {string.Join(' ', arguments)} did not finish within {TestTimeouts.Network}.");
        }

        await errors;
        return await output;
    }
}
