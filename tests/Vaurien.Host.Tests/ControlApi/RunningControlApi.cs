using System.Net.Http.Headers;
using System.Text;
using Vaurien.Host.Configuration;
using Vaurien.Host.ControlApi;
using Vaurien.Host.Plugins;
using Vaurien.Host.Plugins.Tests;
using Vaurien.Host.Proxy;
using Vaurien.Host.Tests.Support;

namespace Vaurien.Host.ControlApi.Tests;

/// <summary>
/// A real control API on 127.0.0.1 (a free port) over a proxy state with the test behaviors (dummy, delay, error,
/// fuse), and a raw HttpClient to it: what the contract tests speak to.
/// </summary>
internal sealed class RunningControlApi : IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private RunningControlApi(ControlServer server, ProxyState state, ExtensionCatalog catalog, RecordingLoggerProvider log, IReadOnlyDictionary<string, object> configured)
    {
        Server = server;
        State = state;
        Catalog = catalog;
        Log = log;
        Configured = configured;
        Http = new HttpClient { BaseAddress = server.Uri, Timeout = RequestTimeout };
    }

    public ControlServer Server { get; }

    public ProxyState State { get; }

    public ExtensionCatalog Catalog { get; }

    public RecordingLoggerProvider Log { get; }

    public IReadOnlyDictionary<string, object> Configured { get; }

    public HttpClient Http { get; }

    /// <param name="configure">Changes the configured (command-line) options of behaviors, by name.</param>
    public static async Task<RunningControlApi> StartAsync(IReadOnlyDictionary<string, object>? configure = null, string policy = "dummy")
    {
        var catalog = TestExtensions.Catalog(TestExtensions.Behavior("fuse", new FuseBehavior()));
        var configured = catalog.Behaviors.ToDictionary(b => b.Name, b => b.Options.CreateDefault(), StringComparer.Ordinal);
        foreach (var (name, options) in configure ?? new Dictionary<string, object>())
        {
            configured[name] = options;
        }

        var errors = new List<string>();
        var initial = BehaviorPolicy.TryParse(policy, catalog, d => new BehaviorActivation(d, configured[d.Name]), errors)
            ?? throw new InvalidOperationException(string.Join(" ", errors));
        var state = new ProxyState(ProxyNames.Default, initial, new HostPort("127.0.0.1", 6379));
        var loggers = RecordingLoggerProvider.CreateFactory(out var log);
        var control = new ProxyControl(catalog, state, configured, loggers);
        var server = new ControlServer(new HostPort("127.0.0.1", 0), control, loggers);
        await server.StartAsync(CancellationToken.None);
        return new RunningControlApi(server, state, catalog, log, configured);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => Http.GetAsync(path);

    /// <summary>Sends <paramref name="body"/> as bytes, with no Content-Type unless one is given.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body, string? contentType = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }

        return Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PutAsync(string path, string? body, string? contentType = null) =>
        SendAsync(HttpMethod.Put, path, body, contentType);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
