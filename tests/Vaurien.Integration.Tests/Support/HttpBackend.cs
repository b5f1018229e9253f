using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Vaurien.Integration.Tests.Support;

/// <summary>A real HTTP backend (Kestrel) on 127.0.0.1, on a free port.</summary>
internal sealed class HttpBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _requests;

    private HttpBackend(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public long Requests => Interlocked.Read(ref _requests);

    public static async Task<HttpBackend> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var backend = new HttpBackend(app);
        app.MapGet("/", () => Results.Text($"hello {Interlocked.Increment(ref backend._requests)}"));
        app.MapGet("/big", () =>
        {
            Interlocked.Increment(ref backend._requests);
            return Results.Text(new string('x', 256 * 1024));
        });
        await app.StartAsync();
        backend.Port = new Uri(app.Urls.First()).Port;
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
