namespace Vaurien.Toml.Tests;

/// <summary>The outcome of one toml-test case.</summary>
internal sealed record CaseResult(string Path, bool IsValidCase, bool Passed, string Detail);
