namespace Vaurien.Templates.Tests.Support;

/// <summary>Checks on what <c>dotnet new</c> generated.</summary>
internal static class TemplateOutput
{
    /// <summary>Fails if a generated file (or file name) still holds one of the template's placeholder names.</summary>
    public static void AssertNoPlaceholderLeft(string folder, params string[] placeholders)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(folder, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            var text = File.ReadAllText(file);
            foreach (var placeholder in placeholders)
            {
                Assert.False(relative.Contains(placeholder, StringComparison.Ordinal), $"The file name '{relative}' still says '{placeholder}'.");
                var at = text.IndexOf(placeholder, StringComparison.Ordinal);
                Assert.True(at < 0, $"'{relative}' still says '{placeholder}': ...{text[Math.Max(0, at - 40)..Math.Min(text.Length, at + 40)]}...");
            }
        }
    }
}
