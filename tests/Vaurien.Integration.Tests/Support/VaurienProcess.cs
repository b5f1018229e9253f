using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Vaurien.Testing.Repository;

namespace Vaurien.Integration.Tests.Support;

/// <summary>
/// The real <c>vaurien</c> host as a child process: started with the given flags, its output captured, stopped by PID.
/// <see cref="StartAsync"/> returns once the proxy listens (the bound port is read from its log).
/// </summary>
internal sealed partial class VaurienProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private VaurienProcess(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(DotnetPath(), [RepoPaths.HostDll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"vaurien exited before listening. {Output}"));
    }

    public IPEndPoint ProxyEndPoint => _listening.Task.Result;

    public string Output
    {
        get
        {
            lock (_stdout)
            {
                return $"stdout:\n{_stdout}\nstderr:\n{_stderr}";
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_stdout)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts the host and waits until it listens.</summary>
    public static async Task<VaurienProcess> StartAsync(params string[] args)
    {
        var process = new VaurienProcess(args);
        process.Start();
        try
        {
            await process._listening.Task.WaitAsync(StartDeadline);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        return process;
    }

    /// <summary>Runs the host to completion (for start-up failures and --help) and returns its exit code.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(TimeSpan deadline, params string[] args)
    {
        await using var process = new VaurienProcess(args);
        process.Start();
        using var cts = new CancellationTokenSource(deadline);
        await process._process.WaitForExitAsync(cts.Token);
        process._process.WaitForExit();
        lock (process._stdout)
        {
            return (process._process.ExitCode, process._stdout.ToString(), process._stderr.ToString());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token);
        }

        _process.Dispose();
    }

    private static string DotnetPath()
    {
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }

    [GeneratedRegex(@"proxies from \S+ \((?<address>[^)]+)\)")]
    private static partial Regex ListeningLine();

    private void Start()
    {
        if (!File.Exists(RepoPaths.HostDll))
        {
            throw new InvalidOperationException($"The host is not built: {RepoPaths.HostDll} is missing.");
        }

        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stdout)
        {
            buffer.AppendLine(line);
        }

        var match = ListeningLine().Match(line);
        if (match.Success && IPEndPoint.TryParse(match.Groups["address"].Value, out var endPoint))
        {
            _listening.TrySetResult(endPoint);
        }
    }
}
