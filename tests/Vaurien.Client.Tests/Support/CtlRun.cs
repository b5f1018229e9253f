using System.Diagnostics;

namespace Vaurien.Client.Tests.Support;

/// <summary>Runs the real vaurienctl (beside the tests) as a child process, to completion, with a deadline.</summary>
internal static class CtlRun
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static string CtlPath { get; } = Path.Combine(AppContext.BaseDirectory, "vaurienctl.dll");

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        if (!File.Exists(CtlPath))
        {
            throw new InvalidOperationException($"vaurienctl is not built beside the tests: {CtlPath} is missing.");
        }

        var start = new ProcessStartInfo(DotnetPath(), [CtlPath, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("vaurienctl did not start.");
        using var timeout = new CancellationTokenSource(Deadline);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"vaurienctl {string.Join(' ', args)} did not finish within {Deadline.TotalSeconds} seconds.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static string DotnetPath()
    {
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}
