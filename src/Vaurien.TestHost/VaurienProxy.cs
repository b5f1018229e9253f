using System.Net;
using Vaurien.Client;

namespace Vaurien.TestHost;

/// <summary>
/// A Vaurien proxy started by a test, with its control API on and a <see cref="VaurienClient"/> to drive it: the .NET
/// counterpart of Vaurien's <c>start_proxy</c>/<c>stop_proxy</c>. Dispose it to stop the proxy.
/// </summary>
/// <example>
/// <code>
/// await using var proxy = await VaurienProxy.StartAsync(new VaurienProxyOptions { Backend = "127.0.0.1:6379" });
/// // point the code under test at proxy.ProxyEndPoint, then:
/// await using (await proxy.Client.WithBehaviorAsync("error"))
/// {
///     // every exchange now gets the backend's kind of error
/// }
/// </code>
/// </example>
public sealed class VaurienProxy : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly IRunningHost _host;
    private int _disposed;

    private VaurienProxy(IRunningHost host)
    {
        _host = host;
        Client = new VaurienClient(host.ControlUri);
    }

    /// <summary>Where the proxy listens: point the code under test here.</summary>
    public IPEndPoint ProxyEndPoint => _host.ProxyEndPoint;

    /// <summary>The control API's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri ControlUri => _host.ControlUri;

    /// <summary>A client of the control API: change the behavior or the backend while the test runs.</summary>
    public VaurienClient Client { get; }

    /// <summary>The child process's id (<see cref="StartProcessAsync"/>), or null for an in-process proxy.</summary>
    public int? ProcessId => _host.ProcessId;

    /// <summary>The last lines the host wrote (its log), to explain a failure.</summary>
    public string Output => _host.Output.Text;

    /// <summary>
    /// Starts a proxy in this process, as the <c>vaurien</c> command would run, and returns once its control API answers.
    /// The built-in behaviors and protocols are loaded from the <c>plugins</c> folder beside the test assembly.
    /// </summary>
    /// <param name="options">The backend, protocol, behavior, ports and any other flags.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <exception cref="InvalidOperationException">The proxy did not start; the message has its output.</exception>
    /// <exception cref="TimeoutException">It did not answer within <see cref="VaurienProxyOptions.StartTimeout"/>.</exception>
    public static Task<VaurienProxy> StartAsync(VaurienProxyOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, InProcessHost.StartAsync, cancellationToken);

    /// <summary>
    /// Starts <c>vaurien</c> as a child process (by default <c>vaurien.dll</c> beside this assembly) and returns once its
    /// control API answers. Disposing stops it by process id.
    /// </summary>
    /// <param name="options">The backend, protocol, behavior, ports, other flags and optionally the executable.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <exception cref="InvalidOperationException">The executable is missing or the process did not start; the message has its output.</exception>
    /// <exception cref="TimeoutException">It did not answer within <see cref="VaurienProxyOptions.StartTimeout"/>.</exception>
    public static Task<VaurienProxy> StartProcessAsync(VaurienProxyOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, ChildProcessHost.StartAsync, cancellationToken);

    /// <summary>Stops the proxy (and the process) and waits until it has stopped.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Client.Dispose();
            await _host.DisposeAsync();
        }
    }

    private static async Task<VaurienProxy> StartAsync<THost>(
        VaurienProxyOptions options,
        Func<VaurienProxyOptions, CancellationToken, Task<THost>> start,
        CancellationToken cancellationToken)
        where THost : IRunningHost
    {
        ArgumentNullException.ThrowIfNull(options);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.StartTimeout);
        THost host;
        try
        {
            host = await start(options, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"vaurien did not start listening within {options.StartTimeout.TotalSeconds:0.#} seconds.");
        }

        var proxy = new VaurienProxy(host);
        try
        {
            await proxy.WaitUntilAnswersAsync(options.StartTimeout, deadline.Token, cancellationToken);
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }

        return proxy;
    }

    private async Task WaitUntilAnswersAsync(TimeSpan timeout, CancellationToken deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await Client.GetBehaviorAsync(deadline);
                return;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"vaurien's control API at {ControlUri} did not answer within {timeout.TotalSeconds:0.#} seconds.{Environment.NewLine}{Output}");
            }
            catch (VaurienException) when (!_host.Stopped.IsCompleted)
            {
                // Not answering yet (a child process may still be binding a fixed port): try again shortly.
            }

            if (_host.Stopped.IsCompleted)
            {
                throw InProcessHost.StartFailed("it stopped before its control API answered", _host.Output);
            }

            try
            {
                await Task.Delay(PollInterval, deadline);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"vaurien's control API at {ControlUri} did not answer within {timeout.TotalSeconds:0.#} seconds.{Environment.NewLine}{Output}");
            }
        }
    }
}
