using System.Diagnostics;
using System.Text;

namespace Vaurien.Templates.Tests.Support;

/// <summary>
/// A child process started by a test, its output captured, stopped by its own PID (and its children) when the test is
/// done or its deadline passes. The dotnet CLI and the vaurien host both run through it.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly Action<string>? _onLine;

    private ChildProcess(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, IEnumerable<string> args, Action<string>? onLine)
    {
        _onLine = onLine;
        var start = new ProcessStartInfo(DotnetPath, args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        Isolate(start.Environment);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.Exited += (_, _) => _exited.TrySetResult();
    }

    /// <summary>The dotnet executable running this test (so the same SDK and runtime), or dotnet from the PATH.</summary>
    public static string DotnetPath { get; } = FindDotnet();

    public bool HasExited => _process.HasExited;

    /// <summary>Completes when the process exits.</summary>
    public Task Exited => _exited.Task;

    public string Stdout
    {
        get
        {
            lock (_lock)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    public string Output => $"stdout:\n{Stdout}\nstderr:\n{Stderr}";

    /// <param name="workingDirectory">Where the process runs.</param>
    /// <param name="environment">Variables to set (null removes one) on top of the isolated environment.</param>
    /// <param name="args">The arguments of dotnet.</param>
    /// <param name="onLine">Called with each line the process writes, on either stream.</param>
    public static ChildProcess Start(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, IEnumerable<string> args, Action<string>? onLine = null)
    {
        var child = new ChildProcess(workingDirectory, environment, args, onLine);
        child._process.Start();
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs to completion within <paramref name="deadline"/>; a process still running then is killed and reported.</summary>
    public static async Task<CliResult> RunAsync(string workingDirectory, TimeSpan deadline, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        await using var child = Start(workingDirectory, environment, args);
        var exitCode = await child.WaitForExitAsync(deadline, $"dotnet {string.Join(' ', args)}");
        return new CliResult(exitCode, child.Stdout, child.Stderr);
    }

    public async Task<int> WaitForExitAsync(TimeSpan deadline, string what)
    {
        using var cts = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"'{what}' did not finish within {deadline.TotalSeconds:0} s.\n{Output}");
        }

        // The parameterless wait also waits for the output streams to be read to their end.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token);
        }

        _process.Dispose();
    }

    private static string FindDotnet()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }

    private static void Isolate(IDictionary<string, string?> environment)
    {
        // The test runs under `dotnet test`: its MSBuild and test-platform settings must not leak into the builds it starts.
        foreach (var name in environment.Keys.ToList())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) ||
                name.StartsWith("_MSBUILD", StringComparison.OrdinalIgnoreCase) ||
                name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                environment.Remove(name);
            }
        }

        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        environment["DOTNET_CLI_UI_LANGUAGE"] = "en";

        // No MSBuild node outlives the test (node reuse would keep build processes running after it).
        environment["MSBUILDDISABLENODEREUSE"] = "1";
        environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        environment["MSBUILDTERMINALLOGGER"] = "off";
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }

    private void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            buffer.AppendLine(line);
        }

        _onLine?.Invoke(line);
    }
}
