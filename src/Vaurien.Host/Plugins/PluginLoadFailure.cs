namespace Vaurien.Host.Plugins;

/// <summary>A plugin folder that could not be loaded, and why, in one line.</summary>
/// <param name="Folder">The plugin folder.</param>
/// <param name="Reason">What went wrong, for a user to act on.</param>
internal sealed record PluginLoadFailure(string Folder, string Reason)
{
    public override string ToString() => $"Plugin '{Folder}' was not loaded: {Reason}";
}
