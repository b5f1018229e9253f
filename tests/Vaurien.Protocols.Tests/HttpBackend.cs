using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Vaurien.Testing.Network;

namespace Vaurien.Protocols.Tests;

/// <summary>
/// A real HTTP/1.1 backend (Kestrel, in the test process) on 127.0.0.1 and a free port, with an endpoint for each
/// way a body is delimited; every response names its connection (<c>X-Connection</c>) so tests can see keep-alive.
/// </summary>
public sealed class HttpBackend : IAsyncLifetime
{
    /// <summary>The size of <c>/large</c>: a few MiB, far beyond any pipe buffer.</summary>
    public const int LargeSize = 3 * 1024 * 1024;

    private WebApplication? _app;

    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>The bytes <c>/large</c> and <c>/large-chunked</c> send.</summary>
    public static byte[] Large { get; } = MakeLarge();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        app.Use((context, next) =>
        {
            context.Response.Headers["X-Connection"] = context.Connection.Id;
            return next(context);
        });
        app.MapMethods("/text", ["GET", "HEAD"], () => Results.Text("hello from kestrel"));
        app.MapGet("/host", (HttpContext context) => Results.Text(context.Request.Host.Value ?? ""));
        app.MapGet("/chunked", async (HttpContext context) =>
        {
            // Writes without a length: Kestrel sends them chunked, one chunk per flush.
            context.Response.ContentType = "text/plain";
            for (var i = 0; i < 5; i++)
            {
                await context.Response.WriteAsync($"chunk {i};");
                await context.Response.Body.FlushAsync();
            }
        });
        app.MapGet("/large", () => Results.Bytes(Large, "application/octet-stream"));
        app.MapGet("/large-chunked", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/octet-stream";
            for (var offset = 0; offset < Large.Length; offset += 100_000)
            {
                await context.Response.Body.WriteAsync(Large.AsMemory(offset, Math.Min(100_000, Large.Length - offset)));
            }
        });
        app.MapPost("/echo", async (HttpContext context) =>
        {
            context.Response.ContentType = context.Request.ContentType ?? "application/octet-stream";
            await context.Request.Body.CopyToAsync(context.Response.Body);
        });
        app.MapGet("/nocontent", () => Results.NoContent());
        app.MapGet("/notmodified", (HttpContext context) =>
        {
            context.Response.Headers.ETag = "\"v1\"";
            return context.Request.Headers.IfNoneMatch == "\"v1\"" ? Results.StatusCode(304) : Results.Text("fresh");
        });
        app.MapGet("/upgrade", async (HttpContext context) =>
        {
            // Echoes bytes on the upgraded connection until the client ends it.
            var upgrade = context.Features.Get<IHttpUpgradeFeature>();
            if (upgrade is not { IsUpgradableRequest: true })
            {
                context.Response.StatusCode = 400;
                return;
            }

            await using var stream = await upgrade.UpgradeAsync();
            var buffer = new byte[4096];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read));
            }
        });
        await app.StartAsync();
        _app = app;
        EndPoint = new IPEndPoint(IPAddress.Loopback, new Uri(app.Urls.First()).Port);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static byte[] MakeLarge()
    {
        var bytes = new byte[LargeSize];
        new PseudoRandomBytes(42).Fill(bytes);
        return bytes;
    }
}
