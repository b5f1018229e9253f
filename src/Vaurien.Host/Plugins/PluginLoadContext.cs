using System.Reflection;
using System.Runtime.Loader;

namespace Vaurien.Host.Plugins;

/// <summary>
/// The load context of one plugin folder. Shared assemblies come from the default context (the host's copy);
/// everything else the plugin brings is resolved from its own folder through its .deps.json, so two plugins, or a
/// plugin and the host, can use different versions of one library. What neither provides (the framework) falls back
/// to the default context.
/// </summary>
/// <remarks>
/// <code>
/// Load(name)
///   1. shared (or prefer-shared) and the host has it  -> the host's assembly
///   2. listed in the plugin's .deps.json              -> the plugin's file
///   3. a &lt;name&gt;.dll in the plugin folder             -> that file (a plugin without .deps.json)
///   4. otherwise                                       -> the default context (the framework, or FileNotFoundException)
/// </code>
/// </remarks>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver _resolver;
    private readonly string _folder;
    private readonly IReadOnlySet<string> _sharedAssemblies;
    private readonly bool _preferSharedTypes;

    /// <param name="mainAssemblyPath">The plugin's <c>&lt;Name&gt;/&lt;Name&gt;.dll</c>; its .deps.json sits beside it.</param>
    /// <param name="sharedAssemblies">Simple names of the assemblies always taken from the host.</param>
    /// <param name="preferSharedTypes">When true, any assembly the host has is taken from the host (McMaster's PreferSharedTypes).</param>
    public PluginLoadContext(string mainAssemblyPath, IReadOnlySet<string> sharedAssemblies, bool preferSharedTypes)
        : base(Path.GetFileName(Path.GetDirectoryName(mainAssemblyPath)), isCollectible: false)
    {
        _folder = Path.GetDirectoryName(mainAssemblyPath)!;
        _resolver = new AssemblyDependencyResolver(mainAssemblyPath);
        _sharedAssemblies = sharedAssemblies;
        _preferSharedTypes = preferSharedTypes;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null)
        {
            return null;
        }

        if (_preferSharedTypes || _sharedAssemblies.Contains(assemblyName.Name))
        {
            var shared = TryLoadFromDefault(assemblyName);
            if (shared is not null)
            {
                return shared;
            }

            // The host does not have it (or not in a version that satisfies the request): the plugin's own copy, if any.
        }

        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        if (path is not null && File.Exists(path))
        {
            return LoadFromAssemblyPath(path);
        }

        if (string.IsNullOrEmpty(assemblyName.CultureName))
        {
            var local = Path.Combine(_folder, assemblyName.Name + ".dll");
            if (File.Exists(local))
            {
                return LoadFromAssemblyPath(local);
            }
        }

        return null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        // runtimes/<rid>/native/ assets listed in the .deps.json; otherwise the default probing (IntPtr.Zero).
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is not null && File.Exists(path) ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }

    private static Assembly? TryLoadFromDefault(AssemblyName assemblyName)
    {
        try
        {
            return Default.LoadFromAssemblyName(assemblyName);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return null;
        }
    }
}
