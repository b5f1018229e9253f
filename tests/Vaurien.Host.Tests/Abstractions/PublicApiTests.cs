using System.Reflection;
using System.Text;

namespace Vaurien.Abstractions.Tests;

/// <summary>
/// Vaurien.Abstractions is the contract every plugin compiles against: any change to its public surface must show up in
/// review. The surface is snapshotted in src/Vaurien.Abstractions/PublicAPI.txt.
/// </summary>
public class PublicApiTests
{
    private const string UpdateVariable = "VAURIEN_UPDATE_PUBLIC_API";

    [Fact]
    public void PublicSurface_MatchesTheCheckedInSnapshot()
    {
        var path = Path.Combine(RepoRoot(), "src", "Vaurien.Abstractions", "PublicAPI.txt");
        var actual = Describe(typeof(IBehavior).Assembly);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run the tests once with {UpdateVariable}=1.");
        Assert.True(
            File.ReadAllText(path) == actual,
            $"The public API of Vaurien.Abstractions changed. If that is intended, run the tests with {UpdateVariable}=1 and review the diff of {path}.\nNow:\n{actual}");
    }

    private static string Describe(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var bases = new[] { type.BaseType }.Where(b => b is not null && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum))
                .Concat(type.GetInterfaces()).Select(b => b!.ToString());
            text.Append(Kind(type)).Append(' ').Append(type.FullName).Append(" : ").AppendLine(string.Join(", ", bases));
            const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var members = type.GetMembers(flags)
                .Where(IsVisible)
                .Select(m => $"  {m.MemberType} {m}")
                .Order(StringComparer.Ordinal);
            foreach (var member in members)
            {
                text.AppendLine(member);
            }
        }

        return text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private static bool IsVisible(MemberInfo member) => member switch
    {
        MethodBase m => (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly) && !m.IsSpecialName || m is ConstructorInfo { IsPublic: true } or ConstructorInfo { IsFamily: true },
        PropertyInfo p => p.GetAccessors(nonPublic: true).Any(a => a.IsPublic || a.IsFamily),
        FieldInfo f => f.IsPublic || f.IsFamily,
        EventInfo e => e.AddMethod?.IsPublic == true,
        Type t => t.IsNestedPublic || t.IsNestedFamily,
        _ => false,
    };

    private static string Kind(Type type) =>
        type.IsInterface ? "interface" : type.IsEnum ? "enum" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : type.IsAbstract ? "abstract class" : type.IsSealed ? "sealed class" : "class";

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vaurien.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Vaurien.sln not found.");
    }
}
