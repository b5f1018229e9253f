using System.Text.Json;
using TomlDecoder;

namespace Vaurien.Toml.Tests;

/// <summary>Finds and runs the toml-test conformance cases, read in place from <c>../shared/toml-test</c>.</summary>
internal static class TomlTestData
{
    public const string ListName = "files-toml-1.0.0";

    /// <summary>Stands in for the case list when the data is absent, so that the theory fails instead of vanishing.</summary>
    public const string MissingDataCase = "(toml-test data not found)";

    private static readonly Lazy<(string? Folder, string Problem)> Location = new(Locate);

    /// <summary>The <c>toml-test</c> folder, or a failed assertion saying where it was looked for.</summary>
    public static string RequireFolder()
    {
        var (folder, problem) = Location.Value;
        if (folder is null)
        {
            Assert.Fail(problem);
        }

        return folder;
    }

    /// <summary>The <c>.toml</c> cases of the TOML 1.0.0 list, relative to <c>toml-test/tests</c>.</summary>
    public static IReadOnlyList<string> ListCases()
    {
        var (folder, _) = Location.Value;
        if (folder is null)
        {
            return [MissingDataCase];
        }

        return File.ReadAllLines(Path.Combine(folder, "tests", ListName))
            .Select(line => line.Trim())
            .Where(line => line.EndsWith(".toml", StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>Runs one case: a valid case must decode to its JSON, an invalid one must fail with a located error.</summary>
    public static CaseResult Run(string relativePath)
    {
        var folder = RequireFolder();
        var path = Path.Combine(folder, "tests", relativePath);
        var bytes = File.ReadAllBytes(path);
        var isValid = relativePath.StartsWith("valid/", StringComparison.Ordinal);
        TomlDocument? document;
        TomlException? error;
        try
        {
            TomlParser.TryParse(bytes, relativePath, out document, out error);
        }
        catch (Exception exception)
        {
            return new CaseResult(relativePath, isValid, false, $"crashed: {exception}");
        }

        if (!isValid)
        {
            if (document is not null)
            {
                return new CaseResult(relativePath, isValid, false, "accepted an invalid document");
            }

            var located = error!.Line >= 1 && error.Column >= 1
                && error.Message.StartsWith($"{relativePath}({error.Line},{error.Column}): ", StringComparison.Ordinal);
            return new CaseResult(relativePath, isValid, located, located ? error.Message : $"error without location: {error.Message}");
        }

        if (document is null)
        {
            return new CaseResult(relativePath, isValid, false, $"rejected a valid document: {error!.Message}");
        }

        var expectedJson = File.ReadAllText(Path.ChangeExtension(path, ".json"));
        var actualJson = TaggedJsonEncoder.Encode(document.Root);
        using var expected = JsonDocument.Parse(expectedJson);
        using var actual = JsonDocument.Parse(actualJson);
        var difference = TaggedJsonComparer.FindDifference(expected.RootElement, actual.RootElement);
        return difference is null
            ? new CaseResult(relativePath, isValid, true, "decoded as expected")
            : new CaseResult(relativePath, isValid, false, $"{difference}\nactual output:\n{System.Text.Encoding.UTF8.GetString(actualJson)}");
    }

    private static (string? Folder, string Problem) Locate()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !IsRepositoryRoot(directory))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            return (null, $"Cannot find the repository root (a folder with Vaurien.sln, or Directory.Build.props and src) above {AppContext.BaseDirectory}.");
        }

        var folder = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "toml-test"));
        var list = Path.Combine(folder, "tests", ListName);
        return File.Exists(list)
            ? (folder, string.Empty)
            : (null, $"The toml-test conformance data is missing: expected {list} (the toml-test folder next to the repository, ../shared/toml-test).");
    }

    private static bool IsRepositoryRoot(DirectoryInfo directory) =>
        File.Exists(Path.Combine(directory.FullName, "Vaurien.sln"))
        || (File.Exists(Path.Combine(directory.FullName, "Directory.Build.props")) && Directory.Exists(Path.Combine(directory.FullName, "src")));
}
