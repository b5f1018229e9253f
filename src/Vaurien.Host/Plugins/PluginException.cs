namespace Vaurien.Host.Plugins;

/// <summary>A plugin problem that stops start-up (two exports of one name, a referenced plugin that failed to load).</summary>
internal sealed class PluginException(string message) : Exception(message);
