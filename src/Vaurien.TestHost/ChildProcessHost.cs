using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Vaurien.TestHost;

/// <summary>
/// <c>vaurien</c> as a child process (Vaurien's <c>start_proxy</c>/<c>stop_proxy</c>): started with its flags, its output
/// kept, stopped by process id with SIGTERM (killed if it does not stop). Free ports are read from its log.
/// </summary>
internal sealed partial class ChildProcessHost : IRunningHost
{
    private const string HostAssembly = "vaurien.dll";
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _control = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IPEndPoint> _proxy = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _stopped = Task.CompletedTask;

    private ChildProcessHost(ProcessStartInfo start, CapturedOutput output)
    {
        Output = output;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Receive(e.Data);
        _process.ErrorDataReceived += (_, e) => Receive(e.Data);
    }

    public IPEndPoint ProxyEndPoint => _proxy.Task.Result;

    public Uri ControlUri => _control.Task.Result;

    public int? ProcessId { get; private set; }

    public CapturedOutput Output { get; }

    public Task Stopped => _stopped;

    /// <summary>Starts the process and returns once it said where it listens (or once it started, for fixed ports).</summary>
    /// <exception cref="InvalidOperationException">The executable is missing, or the process stopped before listening.</exception>
    public static async Task<ChildProcessHost> StartAsync(VaurienProxyOptions options, CancellationToken cancellationToken)
    {
        var start = StartInfo(options);
        foreach (var arg in HostArguments.For(options))
        {
            start.ArgumentList.Add(arg);
        }

        var host = new ChildProcessHost(start, new CapturedOutput(options.Log));
        if (options.ControlPort != 0)
        {
            host._control.TrySetResult(new Uri($"http://{HostArguments.Address(options.ControlHost, options.ControlPort)}/"));
        }

        if (options.ProxyPort != 0 && IPAddress.TryParse(options.ProxyHost, out var proxyAddress))
        {
            host._proxy.TrySetResult(new IPEndPoint(proxyAddress, options.ProxyPort));
        }

        try
        {
            host._process.Start();
            host.ProcessId = host._process.Id;
            host._stopped = host._process.WaitForExitAsync(CancellationToken.None);
            host._process.BeginOutputReadLine();
            host._process.BeginErrorReadLine();
            var listening = Task.WhenAll(host._control.Task, host._proxy.Task);
            var first = await Task.WhenAny(listening, host._stopped).WaitAsync(cancellationToken);
            if (first != listening)
            {
                // Let the output readers catch up with the last lines before quoting them.
                host._process.WaitForExit();
                throw InProcessHost.StartFailed($"it exited with code {host._process.ExitCode}", host.Output);
            }
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (ProcessId is not null && !_process.HasExited)
            {
                if (!NativeSignals.TryTerminate(_process.Id) || !await ExitsWithinAsync(StopDeadline))
                {
                    _process.Kill(entireProcessTree: true);
                    await ExitsWithinAsync(StopDeadline);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
        finally
        {
            Output.Detach();
            _process.Dispose();
        }
    }

    private static ProcessStartInfo StartInfo(VaurienProxyOptions options)
    {
        var path = options.ExecutablePath ?? Path.Combine(Path.GetDirectoryName(typeof(ChildProcessHost).Assembly.Location) ?? AppContext.BaseDirectory, HostAssembly);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The vaurien host was not found at '{path}'. Reference the Vaurien.TestHost project or package (it puts vaurien.dll beside the test assembly), or set {nameof(VaurienProxyOptions.ExecutablePath)}.");
        }

        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(path)!,
        };

        if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            start.FileName = DotnetPath();
            start.ArgumentList.Add(path);
        }
        else
        {
            start.FileName = path;
        }

        return start;
    }

    /// <summary>The dotnet that runs this process (dotnet test, dotnet run), else the one on the PATH.</summary>
    private static string DotnetPath()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }

    [GeneratedRegex(@"Started the HTTP server: (?<url>http://\S+)")]
    private static partial Regex ControlLine();

    [GeneratedRegex(@"proxies from \S+ \((?<address>[^)]+)\)")]
    private static partial Regex ProxyLine();

    private async Task<bool> ExitsWithinAsync(TimeSpan deadline)
    {
        try
        {
            await _stopped.WaitAsync(deadline);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void Receive(string? line)
    {
        if (line is null)
        {
            return;
        }

        Output.WriteLine(line);
        if (ControlLine().Match(line) is { Success: true } control && Uri.TryCreate(control.Groups["url"].Value.TrimEnd('/') + "/", UriKind.Absolute, out var uri))
        {
            _control.TrySetResult(uri);
        }

        if (ProxyLine().Match(line) is { Success: true } proxy && IPEndPoint.TryParse(proxy.Groups["address"].Value, out var endPoint))
        {
            _proxy.TrySetResult(endPoint);
        }
    }
}
