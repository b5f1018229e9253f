namespace Vaurien.Host.Plugins.Tests;

/// <summary>
/// A temporary plugins root made for one test from the fixture plugins the test build lays out under
/// <c>fixtures/&lt;Name&gt;/</c> (see tests/Fixtures/README.md). Each test gets its own copy, so it may break it.
/// </summary>
internal sealed class PluginRoot : IDisposable
{
    public PluginRoot()
    {
        Path = Directory.CreateTempSubdirectory("vaurien-plugins-").FullName;
    }

    /// <summary>Where the test build copies the fixture plugins.</summary>
    public static string Fixtures => System.IO.Path.Combine(AppContext.BaseDirectory, "fixtures");

    public string Path { get; }

    /// <summary>Copies the fixture plugin folder <paramref name="name"/> into this root; returns the copy's path.</summary>
    public string AddFixture(string name)
    {
        var source = System.IO.Path.Combine(Fixtures, name);
        if (!Directory.Exists(source))
        {
            throw new InvalidOperationException($"The fixture plugin '{source}' was not built: build tests/Vaurien.Host.Tests.");
        }

        var target = System.IO.Path.Combine(Path, name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(source, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        return target;
    }

    /// <summary>Creates an empty plugin folder <paramref name="name"/>; returns its path.</summary>
    public string AddFolder(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; a failing cleanup must not hide the test's own result.
        }
    }
}
