using System.Net;
using System.Text.RegularExpressions;
using Vaurien.Testing.Repository;

namespace Vaurien.Templates.Tests.Support;

/// <summary>
/// The real <c>vaurien</c> host, built from src/Vaurien.Host, as a child process: <see cref="StartAsync"/> returns once
/// the proxy listens (the bound address is read from its "* proxies from A (B) to C" log line).
/// </summary>
internal sealed partial class VaurienHost : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ChildProcess? _process;

    private VaurienHost()
    {
    }

    /// <summary>Where the proxy listens.</summary>
    public IPEndPoint ProxyEndPoint => _listening.Task.Result;

    /// <summary>Its log (standard error, where it logs by default).</summary>
    public string Log => _process!.Stderr;

    public string Output => _process!.Output;

    /// <summary>Starts the host with <paramref name="args"/> and waits until it listens.</summary>
    public static async Task<VaurienHost> StartAsync(params string[] args)
    {
        EnsureBuilt();
        var host = new VaurienHost();
        host._process = ChildProcess.Start(AppContext.BaseDirectory, null, [RepoPaths.HostDll, .. args], host.OnLine);
        try
        {
            var exited = host.WaitForExitAsync();
            var first = await Task.WhenAny(host._listening.Task, exited).WaitAsync(Deadline);
            if (first != host._listening.Task)
            {
                throw new InvalidOperationException($"vaurien exited before listening (exit code {await exited}).\n{host.Output}");
            }
        }
        catch (TimeoutException)
        {
            var output = host.Output;
            await host.DisposeAsync();
            throw new TimeoutException($"vaurien did not listen within {Deadline.TotalSeconds:0} s.\n{output}");
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>Runs the host to its end (help, start-up errors) and returns how it ended.</summary>
    public static Task<CliResult> RunAsync(params string[] args)
    {
        EnsureBuilt();
        return ChildProcess.RunAsync(AppContext.BaseDirectory, Deadline, null, [RepoPaths.HostDll, .. args]);
    }

    public ValueTask DisposeAsync() => _process?.DisposeAsync() ?? ValueTask.CompletedTask;

    [GeneratedRegex(@"proxies from \S+ \((?<address>[^)]+)\)")]
    private static partial Regex ListeningLine();

    private static void EnsureBuilt()
    {
        if (!File.Exists(RepoPaths.HostDll))
        {
            throw new InvalidOperationException($"The host is not built: {RepoPaths.HostDll} is missing.");
        }
    }

    private async Task<int> WaitForExitAsync()
    {
        await _process!.Exited;
        return await _process.WaitForExitAsync(Deadline, "vaurien");
    }

    private void OnLine(string line)
    {
        var match = ListeningLine().Match(line);
        if (match.Success && IPEndPoint.TryParse(match.Groups["address"].Value, out var endPoint))
        {
            _listening.TrySetResult(endPoint);
        }
    }
}
