namespace Vaurien.Templates.Tests.Support;

/// <summary>
/// A private template cache (<c>dotnet new --debug:custom-hive</c>) with the packed Vaurien.Templates installed: what
/// <c>dotnet new install</c> does for a user, without touching the machine's own template list.
/// </summary>
internal sealed class TemplateCache
{
    private readonly TemplateWorkspace _workspace;

    private TemplateCache(TemplateWorkspace workspace, string path)
    {
        _workspace = workspace;
        Path = path;
    }

    public string Path { get; }

    public static async Task<TemplateCache> InstallAsync(TemplateWorkspace workspace)
    {
        var cache = new TemplateCache(workspace, workspace.NewFolder("hive"));
        var install = await cache.NewAsync("install", workspace.TemplatesPackage);
        Assert.Contains("vaurien-behavior", install.Stdout, StringComparison.Ordinal);
        Assert.Contains("vaurien-protocol", install.Stdout, StringComparison.Ordinal);
        return cache;
    }

    /// <summary><c>dotnet new TEMPLATE -n NAME -o FOLDER</c>; returns the generated folder.</summary>
    public async Task<string> CreateAsync(string template, string name)
    {
        var folder = System.IO.Path.Combine(_workspace.NewFolder(template), name);
        await NewAsync(template, "-n", name, "-o", folder, "--no-update-check");
        return folder;
    }

    /// <summary><c>dotnet new uninstall Vaurien.Templates</c>; checks the templates are gone.</summary>
    public async Task UninstallAsync()
    {
        await NewAsync("uninstall", "Vaurien.Templates");
        var list = await _workspace.TryDotnetAsync(_workspace.Root, "new", "list", "--debug:custom-hive", Path);
        Assert.DoesNotContain("vaurien-behavior", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("vaurien-protocol", list.Stdout, StringComparison.Ordinal);
    }

    private Task<CliResult> NewAsync(params string[] args) =>
        _workspace.DotnetAsync(_workspace.Root, ["new", .. args, "--debug:custom-hive", Path]);
}
