using System.Composition.Hosting;
using System.Reflection;

namespace Vaurien.Host.Plugins;

/// <summary>Turns what went wrong while loading a plugin into one line a user can act on.</summary>
internal static class PluginFailureReasons
{
    public static string MissingMainAssembly(string name) =>
        $"'{name}.dll' was not found in the folder: a plugin folder <Name>/ holds its assembly <Name>.dll.";

    public static string Unnamed(ExtensionKind kind, Type type) =>
        $"'{type.FullName}' is exported as an {(kind == ExtensionKind.Behavior ? nameof(IBehavior) : nameof(IProtocol))} without a name: " +
        $"export it with [{(kind == ExtensionKind.Behavior ? nameof(ExportBehaviorAttribute) : nameof(ExportProtocolAttribute))}(\"name\")].";

    public static string ConstructorFailed(ExtensionKind kind, string name, Type? type, Exception exception) =>
        $"creating the {Noun(kind)} '{name}'{(type is null ? "" : $" ({type.FullName})")} failed: {Describe(exception)}";

    /// <summary>Describes an exception thrown while loading a plugin's assemblies, types or parts.</summary>
    public static string Describe(Exception exception) => OneLine(exception switch
    {
        PluginException e => e.Message,
        ReflectionTypeLoadException e when e.LoaderExceptions.FirstOrDefault(l => l is not null) is { } first => Describe(first),
        TargetInvocationException { InnerException: { } inner } => Describe(inner),
        TypeInitializationException { InnerException: { } inner } e => $"the type initializer of '{e.TypeName}' failed: {Describe(inner)}",
        FileNotFoundException e => $"missing dependency: assembly '{AssemblyNameOf(e.FileName)}' was found neither in the plugin folder nor in the host.",
        FileLoadException e => $"dependency '{AssemblyNameOf(e.FileName)}' could not be loaded: {e.Message}",
        BadImageFormatException e => $"dependency '{AssemblyNameOf(e.FileName)}' is not a valid .NET assembly.",
        TypeLoadException e when string.IsNullOrEmpty(e.TypeName) => $"a type failed to load: {e.Message}",
        TypeLoadException e => $"type '{e.TypeName}' failed to load: {e.Message}",
        CompositionFailedException e => $"composition failed: {e.Message}",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    });

    private static string Noun(ExtensionKind kind) => kind == ExtensionKind.Behavior ? "behavior" : "protocol";

    private static string AssemblyNameOf(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName))
        {
            return "(unknown)";
        }

        try
        {
            // The runtime reports a display name ("X, Version=1.2.3.4, Culture=neutral, PublicKeyToken=..."): keep name and version.
            var name = new AssemblyName(fileName);
            return name.Version is null ? name.Name ?? fileName : $"{name.Name} {name.Version}";
        }
        catch (Exception e) when (e is ArgumentException or FileLoadException)
        {
            return fileName;
        }
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
