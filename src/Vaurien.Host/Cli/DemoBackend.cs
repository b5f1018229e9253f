using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Vaurien.Host.Cli;

/// <summary>
/// The small HTTP server <c>vaurien demo</c> puts behind the proxy, so the quick start needs no backend installed.
/// Listens on 127.0.0.1 on a free port.
/// </summary>
internal sealed class DemoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DemoBackend(WebApplication app, IPEndPoint endPoint)
    {
        _app = app;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    public static async Task<DemoBackend> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var served = 0L;
        app.MapGet("/", () => Results.Text($"Hello from the Vaurien demo backend (request {Interlocked.Increment(ref served)}).\n"));
        app.MapGet("/json", () => Results.Json(new { status = "ok", request = Interlocked.Increment(ref served) }));
        app.MapPost("/echo", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            return Results.Text(await reader.ReadToEndAsync(request.HttpContext.RequestAborted));
        });
        await app.StartAsync(cancellationToken);
        var address = new Uri(app.Urls.First());
        return new DemoBackend(app, new IPEndPoint(IPAddress.Loopback, address.Port));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
