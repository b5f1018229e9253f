using Vaurien.Testing.Repository;

namespace Vaurien.Templates.Tests.Support;

/// <summary>
/// What the template tests share, made once per run in a temporary folder: a NuGet feed holding Vaurien.Abstractions and
/// Vaurien.Templates packed from this repository, a nuget.config using that feed and nuget.org, with the machine's
/// package cache as a read-only fallback and a private global packages folder (the packed Vaurien.Abstractions 1.0.0
/// never lands in the machine's cache, where a stale copy would outlive a contract change). Each test installs the
/// templates into its own template cache (<c>--debug:custom-hive</c>), so the machine's template list is untouched.
/// </summary>
public sealed class TemplateWorkspace : IAsyncLifetime
{
    /// <summary>For each dotnet command (a cold build with its restore on a busy machine stays well under this).</summary>
    public static readonly TimeSpan CommandDeadline = TimeSpan.FromMinutes(3);

    private Dictionary<string, string?> _environment = [];

    public string Root { get; private set; } = "";

    public string Feed => Path.Combine(Root, "feed");

    /// <summary>The packed template package.</summary>
    public string TemplatesPackage => Path.Combine(Feed, "Vaurien.Templates.1.0.0.nupkg");

    public async Task InitializeAsync()
    {
        Root = Directory.CreateTempSubdirectory("vaurien-templates-").FullName;
        var packages = Path.Combine(Root, "packages");
        Directory.CreateDirectory(packages);
        _environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = packages };
        await File.WriteAllTextAsync(Path.Combine(Root, "nuget.config"), NuGetConfig(packages));

        // Built into the temporary folder (--artifacts-path), never into the repository's bin/ and obj/ folders.
        var artifacts = Path.Combine(Root, "artifacts");
        await DotnetAsync(Root, "pack", RepoPaths.AbstractionsProject, "-c", "Release", "--artifacts-path", artifacts, "-o", Feed);
        await DotnetAsync(Root, "pack", RepoPaths.TemplatesProject, "-c", "Release", "--artifacts-path", artifacts, "-o", Feed);
        if (!File.Exists(TemplatesPackage))
        {
            throw new InvalidOperationException($"Packing the templates did not make {TemplatesPackage}.");
        }
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless; a failing cleanup must not hide the tests' results.
        }

        return Task.CompletedTask;
    }

    /// <summary>A new, empty folder under the workspace.</summary>
    public string NewFolder(string name) => Directory.CreateDirectory(Path.Combine(Root, $"{name}-{Guid.NewGuid().ToString("N")[..8]}")).FullName;

    /// <summary>Runs <c>dotnet ARGS</c> in <paramref name="workingDirectory"/> with the workspace's NuGet setup; fails the test unless it succeeds.</summary>
    internal async Task<CliResult> DotnetAsync(string workingDirectory, params string[] args)
    {
        var result = await TryDotnetAsync(workingDirectory, args);
        Assert.True(result.ExitCode == 0, $"'dotnet {string.Join(' ', args)}' exited with {result.ExitCode}.\n{result.Output}");
        return result;
    }

    /// <summary>Runs <c>dotnet ARGS</c> like <see cref="DotnetAsync"/>, whatever its exit code.</summary>
    internal Task<CliResult> TryDotnetAsync(string workingDirectory, params string[] args) =>
        ChildProcess.RunAsync(workingDirectory, CommandDeadline, _environment, args);

    private static string NuGetConfig(string packages)
    {
        var machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{packages}" />
              </config>
              <fallbackPackageFolders>
                <clear />
                <add key="machine" value="{machineCache}" />
              </fallbackPackageFolders>
              <packageSources>
                <clear />
                <add key="vaurien-local" value="feed" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="vaurien-local">
                  <package pattern="Vaurien.*" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """;
    }
}
