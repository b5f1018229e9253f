using System.Text.Json;
using System.Xml.Linq;
using Vaurien.Testing.Repository;

namespace Vaurien.Templates.Tests;

/// <summary>
/// The template content, read as files: it is a standalone project for its users, so it pins its own versions; these
/// must follow the repository's.
/// </summary>
public class TemplateContentTests
{
    public static TheoryData<string> ContentProjects() =>
        [.. Directory.EnumerateFiles(RepoPaths.TemplateContent, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(RepoPaths.Root, p))
            .Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(ContentProjects))]
    public void ContentProject_PinsTheVersionsOfDirectoryPackagesProps(string project)
    {
        var central = XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);

        foreach (var (package, version) in PackageReferences(project).Where(p => p.Package != "Vaurien.Abstractions"))
        {
            Assert.True(central.TryGetValue(package, out var pinned), $"{project} references {package}, which Directory.Packages.props does not pin.");
            Assert.True(pinned == version, $"{project} pins {package} {version}; Directory.Packages.props pins {pinned}. Keep them equal.");
        }
    }

    [Theory]
    [MemberData(nameof(ContentProjects))]
    public void ContentProject_ReferencesTheContractPackageOfThisVersion(string project)
    {
        // The package `dotnet pack src/Vaurien.Abstractions` makes is versioned by the repository's Version.
        var version = (string)XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props")).Descendants("Version").Single();

        var contract = Assert.Single(PackageReferences(project), p => p.Package == "Vaurien.Abstractions");
        Assert.Equal(version, contract.Version);
    }

    [Theory]
    [InlineData("vaurien-behavior", "SuperBehavior")]
    [InlineData("vaurien-protocol", "SuperProtocol")]
    public void TemplateJson_RenamesWhatTheContentNames(string template, string className)
    {
        var folder = Path.Combine(RepoPaths.TemplateContent, template);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, ".template.config", "template.json")));
        var root = json.RootElement;
        Assert.Equal(template, root.GetProperty("shortName").GetString());

        var replaced = root.GetProperty("symbols").EnumerateObject()
            .Select(s => s.Value.TryGetProperty("replaces", out var r) ? r.GetString() : null)
            .ToList();
        Assert.Equal([className, "My.Namespace", "super"], replaced);

        // The placeholders really are what the content uses.
        var plugin = File.ReadAllText(Path.Combine(folder, className, $"{className}.cs"));
        Assert.Contains("namespace My.Namespace;", plugin, StringComparison.Ordinal);
        Assert.Contains("(\"super\", Description", plugin, StringComparison.Ordinal);
        Assert.Contains($"class {className} ", plugin, StringComparison.Ordinal);
    }

    private static List<(string Package, string? Version)> PackageReferences(string project) =>
        XDocument.Load(Path.Combine(RepoPaths.Root, project))
            .Descendants("PackageReference")
            .Select(e => ((string)e.Attribute("Include")!, (string?)e.Attribute("Version")))
            .ToList();
}
