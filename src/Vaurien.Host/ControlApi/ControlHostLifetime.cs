using Microsoft.Extensions.Hosting;

namespace Vaurien.Host.ControlApi;

/// <summary>
/// The control API's web host must not own the process lifetime: the default console lifetime would take
/// SIGINT/SIGTERM from the vaurien command, which stops the proxy and the API together.
/// </summary>
internal sealed class ControlHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
