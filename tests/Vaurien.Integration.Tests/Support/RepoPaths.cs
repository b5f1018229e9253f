using System.Reflection;

namespace Vaurien.Integration.Tests.Support;

/// <summary>Where the built host is: the output folder of src/Vaurien.Host for this build configuration.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Configuration { get; } =
        typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string HostDll { get; } = Path.Combine(Root, "src", "Vaurien.Host", "bin", Configuration, "net10.0", "vaurien.dll");

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
