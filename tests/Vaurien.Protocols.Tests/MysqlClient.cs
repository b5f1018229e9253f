using System.Diagnostics;
using System.Net;
using Vaurien.Testing.Network;

namespace Vaurien.Protocols.Tests;

/// <summary>The real <c>mariadb</c> command-line client (and other tools) as child processes, each with a deadline.</summary>
internal static class MysqlClient
{
    /// <summary>What a child process printed and how it exited.</summary>
    public sealed record Run(int ExitCode, string Output, string Error);

    /// <summary>
    /// Runs <c>mariadb</c> against <paramref name="endPoint"/> in batch mode without TLS (unless
    /// <paramref name="options"/> asks for it), feeding it <paramref name="script"/> on stdin: one session.
    /// </summary>
    public static Task<Run> MariadbAsync(IPEndPoint endPoint, string script, params string[] options) =>
        RunAsync(
            "mariadb",
            ["--no-defaults", "-h", "127.0.0.1", "-P", endPoint.Port.ToString(), "-u", "root", "--batch", "-D", "mysql", .. options.Contains("--ssl") ? [] : new[] { "--skip-ssl" }, .. options],
            script);

    /// <summary>Runs a setup tool and throws with its output unless it succeeds.</summary>
    public static async Task RunToolAsync(string fileName, string[] arguments)
    {
        var run = await RunAsync(fileName, arguments, null);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} exited with {run.ExitCode}:\n{run.Output}\n{run.Error}");
        }
    }

    private static async Task<Run> RunAsync(string fileName, IEnumerable<string> arguments, string? input)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        using var cts = new CancellationTokenSource(TestTimeouts.Network);
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(cts.Token);
            var error = process.StandardError.ReadToEndAsync(cts.Token);
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
            await process.WaitForExitAsync(cts.Token);
            return new Run(process.ExitCode, await output, await error);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish within {TestTimeouts.Network}.");
        }
    }
}
