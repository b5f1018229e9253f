using System.Collections;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Vaurien.Client;

/// <summary>
/// Drives a running Vaurien proxy through its HTTP control API (<c>vaurien --http</c>): reads and changes its behavior
/// and backend. The .NET counterpart of Vaurien's <c>vaurien.Client</c>.
/// </summary>
/// <example>
/// <code>
/// using var client = new VaurienClient(new Uri("http://localhost:8080"));
/// await using (await client.WithBehaviorAsync("delay", new Dictionary&lt;string, object?&gt; { ["sleep"] = 2 }))
/// {
///     // every exchange through the proxy now waits 2 seconds
/// }
/// // the previous behavior is back
/// </code>
/// </example>
public sealed class VaurienClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>A client of the API at Vaurien's default address, <c>http://localhost:8080/</c>.</summary>
    public VaurienClient()
        : this(DefaultAddress)
    {
    }

    /// <summary>A client of the API at <paramref name="baseAddress"/>, e.g. <c>http://127.0.0.1:8080</c>.</summary>
    /// <param name="baseAddress">The API's base address (<c>--http-host</c> and <c>--http-port</c>).</param>
    public VaurienClient(Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        BaseAddress = Normalize(baseAddress);
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        _ownsHttp = true;
    }

    /// <summary>A client that sends its requests through <paramref name="httpClient"/>, to its <see cref="HttpClient.BaseAddress"/>.</summary>
    /// <param name="httpClient">An HTTP client with a base address; the caller keeps owning it.</param>
    public VaurienClient(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        if (httpClient.BaseAddress is null)
        {
            throw new ArgumentException("The HTTP client needs a BaseAddress: the address of the Vaurien control API.", nameof(httpClient));
        }

        BaseAddress = Normalize(httpClient.BaseAddress);
        _http = httpClient;
    }

    /// <summary>Vaurien's default control API address, <c>http://localhost:8080/</c>.</summary>
    public static Uri DefaultAddress { get; } = new("http://localhost:8080/");

    /// <summary>The control API's base address.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The current behavior: a name such as <c>dummy</c>, or a policy such as <c>20:delay,80:dummy</c>.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<string> GetBehaviorAsync(CancellationToken cancellationToken = default)
    {
        using var document = await SendAsync(HttpMethod.Get, "behavior", null, null, cancellationToken).ConfigureAwait(false);
        return ReadString(document, "behavior");
    }

    /// <summary>
    /// Sets the behavior of every exchange from the next one on, live connections included. Options not given keep
    /// the values the proxy was configured with.
    /// </summary>
    /// <param name="name">A behavior name (<c>delay</c>), or a full type name.</param>
    /// <param name="options">The behavior's options by name (<c>sleep</c>, <c>before</c>): numbers, booleans, strings,
    /// enums, lists, or a <see cref="TimeSpan"/> for a value in seconds.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="UnknownBehaviorException">The proxy has no behavior of that name.</exception>
    /// <exception cref="VaurienException">An option was refused (every bad option is in <see cref="VaurienException.Errors"/>), or the API could not be reached.</exception>
    public async Task SetBehaviorAsync(string name, IReadOnlyDictionary<string, object?>? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var body = BehaviorBody(name, options);
        using var document = await SendAsync(HttpMethod.Put, "behavior", body, name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The names of every behavior the proxy has loaded, plugins included, sorted.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<IReadOnlyList<string>> ListBehaviorsAsync(CancellationToken cancellationToken = default)
    {
        using var document = await SendAsync(HttpMethod.Get, "behaviors", null, null, cancellationToken).ConfigureAwait(false);
        if (!document.RootElement.TryGetProperty("behaviors", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw Unexpected("behaviors", document);
        }

        return list.EnumerateArray().Select(e => e.GetString() ?? "").ToArray();
    }

    /// <summary>The backend new connections go to, as <c>host:port</c>.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<string> GetBackendAsync(CancellationToken cancellationToken = default)
    {
        using var document = await SendAsync(HttpMethod.Get, "backend", null, null, cancellationToken).ConfigureAwait(false);
        return ReadString(document, "backend");
    }

    /// <summary>Sends new connections to <paramref name="backend"/>; open connections stay where they are.</summary>
    /// <param name="backend">The new backend, as <c>host:port</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="VaurienException">The address was refused, or the API could not be reached.</exception>
    public async Task SetBackendAsync(string backend, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backend);
        var body = Write(writer => writer.WriteString("backend", backend));
        using var document = await SendAsync(HttpMethod.Put, "backend", body, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets a behavior until the returned scope is disposed, which sets back the behavior read before (Vaurien's
    /// <c>with_behavior</c>). The previous behavior comes back with the options the proxy was configured with.
    /// </summary>
    /// <param name="name">A behavior name or full type name.</param>
    /// <param name="options">The behavior's options by name.</param>
    /// <param name="cancellationToken">Cancels setting the behavior (not restoring it).</param>
    /// <returns>A scope; dispose it (<c>await using</c>) to restore the previous behavior.</returns>
    public async Task<IAsyncDisposable> WithBehaviorAsync(string name, IReadOnlyDictionary<string, object?>? options = null, CancellationToken cancellationToken = default)
    {
        var previous = await GetBehaviorAsync(cancellationToken).ConfigureAwait(false);
        await SetBehaviorAsync(name, options, cancellationToken).ConfigureAwait(false);
        return new BehaviorScope(this, previous);
    }

    /// <summary>Releases the HTTP client, unless it was given to the constructor.</summary>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static Uri Normalize(Uri address)
    {
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{address}' is not an http:// or https:// address of the Vaurien control API.", nameof(address));
        }

        // A trailing slash, so the routes resolve below a base path too (http://host/vaurien/ + behavior).
        return address.AbsolutePath.EndsWith('/') ? address : new Uri(address + "/");
    }

    private static byte[] BehaviorBody(string name, IReadOnlyDictionary<string, object?>? options) => Write(writer =>
    {
        writer.WriteString("name", name);
        foreach (var (key, value) in options ?? new Dictionary<string, object?>())
        {
            if (string.Equals(key, "name", StringComparison.Ordinal))
            {
                throw new ArgumentException("'name' is the behavior's name, not an option: pass it as the name argument.", nameof(options));
            }

            writer.WritePropertyName(key);
            WriteValue(writer, value);
        }
    });

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case TimeSpan t:
                writer.WriteNumberValue(t.TotalSeconds);
                break;
            case Enum e:
                writer.WriteStringValue(e.ToString());
                break;
            case int or long or short or sbyte or byte or ushort or uint:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong u:
                writer.WriteNumberValue(u);
                break;
            case float or double:
                writer.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case decimal d:
                writer.WriteNumberValue(d);
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> writeMembers)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writeMembers(writer);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static string ReadString(JsonDocument document, string key) =>
        document.RootElement.ValueKind == JsonValueKind.Object &&
        document.RootElement.TryGetProperty(key, out var value) &&
        value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Unexpected(key, document);

    private static VaurienException Unexpected(string key, JsonDocument document) =>
        new($"The control API answered without '{key}': {Shorten(document.RootElement.GetRawText())}");

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";

    private async Task<JsonDocument> SendAsync(HttpMethod method, string route, byte[]? body, string? behaviorName, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(route, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = Json;
        }

        HttpResponseMessage response;
        string text;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new VaurienException($"Cannot reach the Vaurien control API at {BaseAddress}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VaurienException($"The Vaurien control API at {BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0.#} seconds.", e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw Failure(response.StatusCode, response.ReasonPhrase, text, behaviorName);
            }

            try
            {
                return JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                throw new VaurienException($"The control API at {BaseAddress} answered with something that is not JSON: {Shorten(text)}", e);
            }
        }
    }

    private static VaurienException Failure(HttpStatusCode status, string? reason, string text, string? behaviorName)
    {
        var errors = ParseErrors(text);
        var message = errors.Count > 0
            ? string.Join(" ", errors.Select(e => e.Description))
            : $"The control API answered {(int)status} {reason}{(text.Length > 0 ? ": " + Shorten(text) : ".")}";
        if (behaviorName is not null && errors.Any(e => e.Location == "body" && e.Name == "name"))
        {
            return new UnknownBehaviorException(behaviorName, message, errors, status);
        }

        return new VaurienException(message, errors, status);
    }

    /// <summary>The <c>errors</c> of <c>{"status": "error", "errors": [{"location", "name", "description"}]}</c>, or none.</summary>
    private static List<VaurienError> ParseErrors(string text)
    {
        var errors = new List<VaurienError>();
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("errors", out var list) &&
                list.ValueKind == JsonValueKind.Array)
            {
                foreach (var error in list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object))
                {
                    errors.Add(new VaurienError(Field(error, "location"), Field(error, "name"), Field(error, "description")));
                }
            }
        }
        catch (JsonException)
        {
            // Not the API's error body (a proxy in between, a crash page): the status line says what there is to say.
        }

        return errors;
    }

    private static string Field(JsonElement error, string name) =>
        error.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
