using System.Reflection;

namespace Vaurien.Testing.Repository;

/// <summary>Where things are in the repository the tests were built from, for tests that run the built host or its templates.</summary>
public static class RepoPaths
{
    /// <summary>The folder holding Vaurien.sln, found upwards from the test's output folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration of this build (Debug or Release): the host's output is looked for under it.</summary>
    public static string Configuration { get; } =
        typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The built host, with its built-in plugins in plugins/ beside it.</summary>
    public static string HostDll { get; } = Path.Combine(Root, "src", "Vaurien.Host", "bin", Configuration, "net10.0", "vaurien.dll");

    /// <summary>The contract plugins compile against.</summary>
    public static string AbstractionsProject { get; } = Path.Combine(Root, "src", "Vaurien.Abstractions", "Vaurien.Abstractions.csproj");

    /// <summary>The template package's project.</summary>
    public static string TemplatesProject { get; } = Path.Combine(Root, "templates", "Vaurien.Templates.csproj");

    /// <summary>The templates themselves.</summary>
    public static string TemplateContent { get; } = Path.Combine(Root, "templates", "content");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vaurien.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Vaurien.sln not found above {AppContext.BaseDirectory}.");
    }
}
