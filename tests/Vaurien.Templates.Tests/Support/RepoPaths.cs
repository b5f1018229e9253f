using System.Reflection;

namespace Vaurien.Templates.Tests.Support;

/// <summary>Where things are in the repository this test assembly was built from.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Configuration { get; } =
        typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The built host, with its built-in plugins in plugins/ beside it.</summary>
    public static string HostDll { get; } = Path.Combine(Root, "src", "Vaurien.Host", "bin", Configuration, "net10.0", "vaurien.dll");

    public static string AbstractionsProject { get; } = Path.Combine(Root, "src", "Vaurien.Abstractions", "Vaurien.Abstractions.csproj");

    public static string TemplatesProject { get; } = Path.Combine(Root, "templates", "Vaurien.Templates.csproj");

    public static string TemplateContent { get; } = Path.Combine(Root, "templates", "content");

    /// <summary>The loader's fixture plugins, copied into this test's output by the build.</summary>
    public static string Fixtures { get; } = Path.Combine(AppContext.BaseDirectory, "fixtures");

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
