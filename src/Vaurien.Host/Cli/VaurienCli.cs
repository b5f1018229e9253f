using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vaurien.Host.Configuration;
using Vaurien.Host.ControlApi;
using Vaurien.Host.Diagnostics;
using Vaurien.Host.Docs;
using Vaurien.Host.Plugins;
using Vaurien.Host.Proxy;

namespace Vaurien.Host.Cli;

/// <summary>
/// The <c>vaurien</c> command: reads the flags and config file, loads the plugins, validates everything in one pass,
/// then runs the proxy until the stop token of <see cref="RunAsync"/> fires. Every user error is one clear message and an exit code,
/// never a stack trace.
/// </summary>
internal sealed class VaurienCli(TextWriter output, TextWriter error)
{
    /// <summary>The folder of built-in plugins, next to the executable.</summary>
    public static string DefaultPluginsRoot => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>Called once the proxy listens, with its address (tests and the demo use it).</summary>
    public Action<ProxyServer>? Started { get; init; }

    /// <summary>Called once the control API (<c>--http</c>) listens, before <see cref="Started"/>, with its bound address.</summary>
    public Action<ControlServer>? ControlStarted { get; init; }

    public static string Version =>
        typeof(VaurienCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(VaurienCli).Assembly.GetName().Version?.ToString() ?? "unknown";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken stop)
    {
        var pre = CommandLineParser.PreParse(args);
        if (pre.Version)
        {
            output.WriteLine(Version);
            return ExitCodes.Success;
        }

        var sources = new List<RawSettings>();
        try
        {
            if (pre.ConfigPath is not null)
            {
                sources.Add(TomlConfigReader.ReadFile(pre.ConfigPath));
            }
        }
        catch (ConfigurationException e)
        {
            return Fail(e.Errors);
        }

        sources.Add(pre.Settings);
        var earlyErrors = new List<string>();
        var early = SettingsBinder.BindVaurien(sources, earlyErrors);

        using var loggerFactory = CreateLogging(early, out var logError);
        if (logError is not null)
        {
            return Fail([logError]);
        }

        var logger = loggerFactory.CreateLogger("Vaurien");
        ExtensionCatalog catalog;
        try
        {
            catalog = new PluginLoader(loggerFactory, TimeProvider.System).Load([DefaultPluginsRoot, .. early.Plugins]);
        }
        catch (PluginException e)
        {
            return Fail([e.Message]);
        }

        if (OptionsReference.IsRequested(args))
        {
            // Hidden: writes docs/options.md from the declarations of the loaded plugins.
            return OptionsReference.Run(args, catalog, output, error);
        }

        if (pre.Help)
        {
            HelpWriter.Write(output, catalog);
            return ExitCodes.Success;
        }

        var commandLine = new CommandLineParser(catalog).Parse(args);
        if (commandLine.Errors.Count > 0)
        {
            return Fail(commandLine.Errors);
        }

        sources[^1] = commandLine.Settings;
        await using var demo = commandLine.Command == CommandLineParser.DemoCommand ? await DemoBackend.StartAsync(stop) : null;
        if (demo is not null)
        {
            // The demo turns the control API on and speaks http to its HTTP backend (so `error` answers with a 5xx)
            // unless the flags say otherwise, and always uses its own backend.
            var demoDefaults = new RawSettings("demo");
            demoDefaults.Vaurien.Values["http"] = new ConfigValue(true, "demo");
            demoDefaults.Vaurien.Values["protocol"] = new ConfigValue("http", "demo");
            sources.Insert(sources.Count - 1, demoDefaults);
            var demoBackend = new RawSettings("demo");
            demoBackend.Vaurien.Values["backend"] = new ConfigValue($"127.0.0.1:{demo.EndPoint.Port}", "demo backend");
            sources.Add(demoBackend);
        }

        VaurienSettings settings;
        try
        {
            settings = SettingsBinder.Bind(sources, catalog);
        }
        catch (ConfigurationException e)
        {
            return Fail(e.Errors);
        }

        var services = new ServiceCollection()
            .AddSingleton(loggerFactory)
            .AddVaurien(settings, catalog);
        await using var provider = services.BuildServiceProvider();
        var server = provider.GetRequiredService<ProxyServer>();
        try
        {
            await server.StartAsync(stop);
        }
        catch (ProxyStartException e)
        {
            error.WriteLine(e.Message);
            return ExitCodes.StartFailed;
        }

        logger.LogInformation("Starting the Chaos TCP Server");
        logger.LogInformation("* proxies from {Listen} ({Bound}) to {Backend}", settings.Listen, server.LocalEndPoint, settings.Backend);
        logger.LogInformation("* protocol: {Protocol}, behavior: {Behavior}", settings.Protocol.Name, settings.Policy);
        logger.LogInformation("* timeout: {Timeout}, stay_connected: {StayConnected}", settings.Vaurien.Timeout, settings.Vaurien.StayConnected);
        // Control API: started here when settings.Vaurien.Http (ControlApi/ owns it).
        await using var control = settings.Vaurien.Http
            ? ControlServer.For(settings, catalog, provider.GetRequiredService<ProxyState>(), loggerFactory)
            : null;
        if (control is not null)
        {
            try
            {
                await control.StartAsync(stop);
            }
            catch (ControlStartException e)
            {
                error.WriteLine(e.Message);
                return ExitCodes.StartFailed;
            }

            ControlStarted?.Invoke(control);
        }

        if (demo is not null)
        {
            DemoInstructions.Write(output, server.LocalEndPoint, demo.EndPoint, control?.Uri);
        }

        Started?.Invoke(server);
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM: a clean stop.
        }

        logger.LogInformation("Bye!");
        return ExitCodes.Success;
    }

    private int Fail(IEnumerable<string> messages)
    {
        foreach (var message in messages)
        {
            error.WriteLine($"vaurien: {message}");
        }

        return ExitCodes.UsageError;
    }

    private ILoggerFactory CreateLogging(VaurienOptions options, out string? problem)
    {
        problem = null;
        var level = LogLevels.Parse(options.LogLevel);
        TextWriter writer = error;
        var owns = false;
        if (options.LogOutput != "-")
        {
            try
            {
                writer = new StreamWriter(new FileStream(options.LogOutput, FileMode.Append, FileAccess.Write, FileShare.ReadWrite));
                owns = true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                problem = $"Cannot open the log output '{options.LogOutput}': {e.Message}";
            }
        }

        var provider = new LineLoggerProvider(writer, level, TimeProvider.System, owns);
        return LoggerFactory.Create(b => b.SetMinimumLevel(level).AddProvider(provider));
    }
}
