namespace Vaurien.Toml.Tests;

/// <summary>
/// The official toml-test cases for TOML 1.0.0, read from <c>../shared/toml-test</c>: every valid document must
/// decode to its expected tagged JSON, every invalid one must be rejected with a located error.
/// </summary>
public sealed class ConformanceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases => new(TomlTestData.ListCases());

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case(string relativePath)
    {
        if (relativePath == TomlTestData.MissingDataCase)
        {
            TomlTestData.RequireFolder();
        }

        var result = TomlTestData.Run(relativePath);

        output.WriteLine(result.Detail);
        Assert.True(result.Passed, $"{relativePath}: {result.Detail}");
    }

    [Fact]
    public void AllCasesOfTheTomlOneZeroList_Pass()
    {
        TomlTestData.RequireFolder();
        var results = TomlTestData.ListCases().Select(TomlTestData.Run).ToList();
        var valid = results.Where(r => r.IsValidCase).ToList();
        var invalid = results.Where(r => !r.IsValidCase).ToList();

        output.WriteLine(
            $"TOML 1.0.0 conformance: {valid.Count(r => r.Passed)}/{valid.Count} valid, {invalid.Count(r => r.Passed)}/{invalid.Count} invalid");
        var failures = results.Where(r => !r.Passed).ToList();
        foreach (var failure in failures)
        {
            output.WriteLine($"FAILED {failure.Path}: {failure.Detail}");
        }

        Assert.NotEmpty(valid);
        Assert.NotEmpty(invalid);
        Assert.True(failures.Count == 0, $"{failures.Count} of {results.Count} cases failed, first: {failures.FirstOrDefault()?.Path}");
    }
}
