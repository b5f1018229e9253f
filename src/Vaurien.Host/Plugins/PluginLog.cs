using Microsoft.Extensions.Logging;

namespace Vaurien.Host.Plugins;

/// <summary>The plugin loader's log events. Event ids 100-199 belong to Plugins; never reuse a retired one.</summary>
internal static partial class PluginLog
{
    [LoggerMessage(EventId = 100, EventName = "PluginLoaded", Level = LogLevel.Debug,
        Message = "Loaded plugin '{Folder}': {Exports}.")]
    public static partial void PluginLoaded(ILogger logger, string folder, string exports);

    [LoggerMessage(EventId = 101, EventName = "PluginFailed", Level = LogLevel.Error,
        Message = "Plugin '{Folder}' was not loaded: {Reason}")]
    public static partial void PluginFailed(ILogger logger, string folder, string reason);

    [LoggerMessage(EventId = 102, EventName = "PluginHasNoExports", Level = LogLevel.Warning,
        Message = "Plugin '{Folder}' exports no behavior or protocol: nothing was loaded from it.")]
    public static partial void PluginHasNoExports(ILogger logger, string folder);
}
