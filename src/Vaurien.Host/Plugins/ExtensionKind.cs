namespace Vaurien.Host.Plugins;

/// <summary>The two kinds of thing a plugin can export.</summary>
internal enum ExtensionKind
{
    Behavior,
    Protocol,
}
