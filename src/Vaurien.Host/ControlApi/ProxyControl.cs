using System.Text.Json;
using Microsoft.Extensions.Logging;
using Vaurien.Host.Configuration;
using Vaurien.Host.Options;
using Vaurien.Host.Plugins;
using Vaurien.Host.Proxy;

namespace Vaurien.Host.ControlApi;

/// <summary>
/// What the control API does to a running proxy, free of HTTP: reads and replaces the behavior policy and the backend
/// of its <see cref="ProxyState"/>. A new behavior applies from the next exchange, on live connections too, with a new
/// warmup/agitate count; a new backend applies to new connections.
/// </summary>
internal sealed class ProxyControl
{
    private const string NameField = "name";
    private const string BackendField = "backend";

    private readonly ExtensionCatalog _catalog;
    private readonly ProxyState _state;
    private readonly IReadOnlyDictionary<string, object> _configuredOptions;
    private readonly ILogger _logger;
    private readonly string[] _behaviorNames;

    /// <param name="catalog">The loaded behaviors.</param>
    /// <param name="state">The live policy and backend of the proxy.</param>
    /// <param name="configuredOptions">Each behavior's options from the command line and config file, by name: the baseline the API's options apply to.</param>
    /// <param name="loggerFactory">For one log line per change.</param>
    public ProxyControl(ExtensionCatalog catalog, ProxyState state, IReadOnlyDictionary<string, object> configuredOptions, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(configuredOptions);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _catalog = catalog;
        _state = state;
        _configuredOptions = configuredOptions;
        _logger = loggerFactory.CreateLogger<ProxyControl>();
        _behaviorNames = catalog.Behaviors.Select(b => b.Name).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The policy in Vaurien's notation: <c>dummy</c>, or <c>20:delay,80:dummy</c>.</summary>
    public string Behavior => _state.Policy.ToString();

    /// <summary>Every loaded behavior's name, sorted.</summary>
    public IReadOnlyList<string> BehaviorNames => _behaviorNames;

    public string Backend => _state.Backend.ToString();

    /// <summary>
    /// Sets the behavior from a request body, <c>{"name": "delay", "sleep": 2}</c>: the name (or full type name) of one
    /// behavior and any of its options, which apply over its configured options. A policy such as <c>20:delay,80:dummy</c>
    /// (what <see cref="Behavior"/> returns) is accepted as the name too, without options, so a client can restore what
    /// it read.
    /// </summary>
    /// <returns>The behavior now set.</returns>
    /// <exception cref="ControlRequestException">Anything wrong with the body; every bad option is listed.</exception>
    public string SetBehavior(JsonElement body)
    {
        var name = RequiredString(body, NameField, """the name of the behavior is missing: send {"name": "delay"}""", anonymousMissing: true);
        var optionValues = body.EnumerateObject()
            .Where(p => p.Name != NameField)
            .Select(p => KeyValuePair.Create(p.Name, (object?)p.Value))
            .ToList();

        if (!_catalog.TryGetBehavior(name, out var descriptor))
        {
            if (name.Contains(':') || name.Contains(','))
            {
                return SetPolicy(name, optionValues);
            }

            throw ControlRequestException.InBody(NameField, _catalog.UnknownMessage(ExtensionKind.Behavior, name));
        }

        var optionErrors = new List<OptionError>();
        var options = descriptor.Options.Bind(optionValues, ConfiguredOptions(descriptor), optionErrors);
        if (optionErrors.Count > 0)
        {
            throw new ControlRequestException(optionErrors.Select(e => ControlError.InBody(e.Option, e.Message)).ToList());
        }

        _state.Policy = BehaviorPolicy.Only(new BehaviorActivation(descriptor, options));
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var shown = optionValues.Count == 0
                ? ""
                : " with " + string.Join(", ", descriptor.Options.Options
                    .Where(o => optionValues.Any(v => o.Name == v.Key || o.FlagName == v.Key))
                    .Select(o => $"{o.Name}={o.FormatValue(o.Property.GetValue(options))}"));
            ControlApiLog.BehaviorChanged(_logger, descriptor.Name, shown);
        }

        return descriptor.Name;
    }

    /// <summary>Sets the backend new connections go to, from <c>{"backend": "host:port"}</c>.</summary>
    /// <exception cref="ControlRequestException">The body or the address is not valid.</exception>
    public string SetBackend(JsonElement body)
    {
        var text = RequiredString(body, BackendField, """the backend is missing: send {"backend": "host:port"}""", anonymousMissing: false);
        if (!HostPort.TryParse(text, out var backend, out var error))
        {
            throw ControlRequestException.InBody(BackendField, error);
        }

        if (backend.Port == 0 || backend.Host.Length == 0)
        {
            throw ControlRequestException.InBody(BackendField, $"'{text}' is not a backend address: it needs a host and a port from 1 to 65535");
        }

        _state.Backend = backend;
        ControlApiLog.BackendChanged(_logger, backend.ToString());
        return backend.ToString();
    }

    private static string RequiredString(JsonElement body, string field, string missing, bool anonymousMissing)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw ControlRequestException.InBody("", $"the body must be a JSON object, e.g. {Example(field)}; got {Describe(body)}");
        }

        if (!body.TryGetProperty(field, out var value))
        {
            throw ControlRequestException.InBody(anonymousMissing ? "" : field, missing);
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw ControlRequestException.InBody(field, $"'{field}' must be a non-empty string, e.g. {Example(field)}; got {value.GetRawText()}");
        }

        return value.GetString()!.Trim();
    }

    private static string Example(string field) =>
        field == NameField ? """{"name": "delay", "sleep": 2}""" : """{"backend": "127.0.0.1:6379"}""";

    private static string Describe(JsonElement body) => body.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => body.ValueKind.ToString(),
    };

    private string SetPolicy(string spec, List<KeyValuePair<string, object?>> optionValues)
    {
        if (optionValues.Count > 0)
        {
            throw new ControlRequestException(optionValues
                .Select(v => ControlError.InBody(v.Key, $"options can only be given with one behavior name, not with the policy '{spec}'"))
                .ToList());
        }

        var errors = new List<string>();
        var policy = BehaviorPolicy.TryParse(spec, _catalog, d => new BehaviorActivation(d, ConfiguredOptions(d)), errors);
        if (policy is null)
        {
            throw new ControlRequestException(errors.Select(e => ControlError.InBody(NameField, e)).ToList());
        }

        _state.Policy = policy;
        ControlApiLog.BehaviorChanged(_logger, policy.ToString(), "");
        return policy.ToString();
    }

    private object ConfiguredOptions(ExtensionDescriptor behavior) =>
        _configuredOptions.TryGetValue(behavior.Name, out var options) ? options : behavior.Options.CreateDefault();
}
