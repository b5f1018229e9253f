using System.Net;
using Vaurien.Host.Cli;

namespace Vaurien.TestHost;

/// <summary>
/// <c>vaurien</c> run in the test's own process: the real command (<see cref="VaurienCli"/>) with its flags, stopped by
/// cancelling it. Plugins come from the <c>plugins</c> folder beside the test assembly, as beside the executable.
/// </summary>
internal sealed class InProcessHost : IRunningHost
{
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(15);

    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<Uri> _control = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IPEndPoint> _proxy = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task<int> _run = Task.FromResult(0);

    private InProcessHost(CapturedOutput output) => Output = output;

    public IPEndPoint ProxyEndPoint => _proxy.Task.Result;

    public Uri ControlUri => _control.Task.Result;

    public int? ProcessId => null;

    public CapturedOutput Output { get; }

    public Task Stopped => _run;

    /// <summary>Runs the host and returns once its proxy and control API listen.</summary>
    /// <exception cref="InvalidOperationException">The host stopped before listening (bad flags, a port in use...).</exception>
    public static async Task<InProcessHost> StartAsync(VaurienProxyOptions options, CancellationToken cancellationToken)
    {
        var host = new InProcessHost(new CapturedOutput(options.Log));
        var cli = new VaurienCli(host.Output, host.Output)
        {
            ControlStarted = control => host._control.TrySetResult(control.Uri),
            Started = server => host._proxy.TrySetResult(server.LocalEndPoint),
        };
        var args = HostArguments.For(options);
        host._run = Task.Run(() => cli.RunAsync(args, host._stop.Token), CancellationToken.None);
        try
        {
            var first = await Task.WhenAny(host._proxy.Task, host._run).WaitAsync(cancellationToken);
            if (first == host._run)
            {
                throw StartFailed(await host.ExitDescriptionAsync(), host.Output);
            }

            if (!host._control.Task.IsCompleted)
            {
                throw StartFailed("the control API did not start (the flags turned --http off?)", host.Output);
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
        await _stop.CancelAsync();
        try
        {
            await _run.WaitAsync(StopDeadline);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            // Cancelled while starting, or stuck: either way nothing more can be done in-process.
        }

        Output.Detach();
        _stop.Dispose();
    }

    internal static InvalidOperationException StartFailed(string reason, CapturedOutput output) =>
        new($"vaurien did not start: {reason}.{Environment.NewLine}Its output:{Environment.NewLine}{output.Text}");

    private async Task<string> ExitDescriptionAsync()
    {
        try
        {
            return $"it stopped with exit code {await _run}";
        }
        catch (Exception e)
        {
            return $"it failed with {e.GetType().Name}: {e.Message}";
        }
    }
}
