using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vaurien.Host.Configuration;
using Vaurien.Host.Plugins;
using Vaurien.Host.Proxy;

namespace Vaurien.Host.ControlApi;

/// <summary>
/// Vaurien's HTTP control API (<c>--http</c>): Kestrel on <c>http_host:http_port</c>, serving the routes of
/// <see cref="ControlEndpoints"/> over a <see cref="ProxyControl"/>. It listens on loopback unless told otherwise, and
/// warns when it does not: it has no authentication.
/// </summary>
internal sealed class ControlServer : IAsyncDisposable
{
    /// <summary>A behavior with its options is a few hundred bytes; anything near this is not a control request.</summary>
    public const long MaxRequestBodySize = 64 * 1024;

    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    private readonly ProxyControl _control;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private WebApplication? _app;

    public ControlServer(HostPort listen, ProxyControl control, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Listen = listen;
        _control = control;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ControlServer>();
    }

    /// <summary>Where it was asked to listen (port 0 picks a free port).</summary>
    public HostPort Listen { get; }

    /// <summary>Where it listens, once started: the port is the bound one.</summary>
    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.None, 0);

    /// <summary>The API's base address, once started: <c>http://127.0.0.1:8080/</c>.</summary>
    public Uri Uri => new($"http://{EndPoint}/");

    /// <summary>The control API of the proxy of <paramref name="state"/>, as <c>--http-host</c>/<c>--http-port</c> configure it.</summary>
    public static ControlServer For(VaurienSettings settings, ExtensionCatalog catalog, ProxyState state, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var host = settings.Vaurien.HttpHost.Trim();
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        var control = new ProxyControl(catalog, state, settings.BehaviorOptions, loggerFactory);
        return new ControlServer(new HostPort(host, settings.Vaurien.HttpPort), control, loggerFactory);
    }

    /// <summary>True when an address is reachable only from this machine.</summary>
    public static bool IsLoopback(IPAddress address) => IPAddress.IsLoopback(address);

    /// <summary>Binds and starts serving. Returns once the API accepts requests.</summary>
    /// <exception cref="ControlStartException">The address cannot be resolved or bound.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("The control API is already started.");
        }

        IPAddress[] addresses;
        try
        {
            addresses = await HostResolver.ResolveAsync(Listen.Host, cancellationToken);
        }
        catch (SocketException e)
        {
            throw ControlStartException.ForUnknownHost(Listen, e);
        }

        if (addresses.Length == 0)
        {
            throw ControlStartException.ForUnknownHost(Listen);
        }

        // The first address only: a free port (0) must be one port, and "localhost" resolves to 127.0.0.1 first.
        var address = addresses[0];

        if (!IsLoopback(address))
        {
            ControlApiLog.NotLoopback(_logger, address.ToString());
        }

        var app = Build(address);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e)
        {
            await app.DisposeAsync();
            if (e is IOException or SocketException or InvalidOperationException)
            {
                throw ControlStartException.ForBindFailure(Listen, e);
            }

            throw;
        }

        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        EndPoint = new IPEndPoint(address, new Uri(bound).Port);
        ControlApiLog.Started(_logger, $"http://{EndPoint}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is null)
        {
            return;
        }

        var app = _app;
        _app = null;
        using (var deadline = new CancellationTokenSource(ShutdownTimeout))
        {
            await app.StopAsync(deadline.Token);
        }

        await app.DisposeAsync();
        ControlApiLog.Stopped(_logger, $"http://{EndPoint}");
    }

    private WebApplication Build(IPAddress address)
    {
        // The empty builder reads no environment variables, appsettings.json or arguments: only what is set here.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = "vaurien",
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodySize;
            kestrel.Listen(address, Listen.Port);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(_control);
        builder.Services.AddSingleton<IHostLifetime, ControlHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        builder.Logging.AddProvider(new HostLoggerProvider(_loggerFactory));
        builder.Logging.AddFilter((category, level) => level >= LogLevel.Warning || category?.StartsWith("Microsoft.", StringComparison.Ordinal) != true);

        var app = builder.Build();
        app.UseMiddleware<ControlErrorWriter>();
        app.MapControlApi();
        return app;
    }
}
