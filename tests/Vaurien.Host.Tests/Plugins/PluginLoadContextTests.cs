using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json;
using Xunit;

namespace Vaurien.Host.Plugins.Tests;

public sealed class PluginLoadContextTests : IDisposable
{
    private readonly PluginRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Load_PluginWithOlderDependency_LoadsBothVersionsSideBySide()
    {
        var folder = _root.AddFixture("Fixture.Isolated");

        var plugin = LoadBehavior(folder, "isolated", preferSharedTypes: false);

        var pluginType = plugin.GetType();
        var pluginNewtonsoft = (Assembly)pluginType.GetProperty("NewtonsoftAssembly")!.GetValue(null)!;
        Assert.Equal(new Version(12, 0, 0, 0), pluginType.GetProperty("NewtonsoftVersion")!.GetValue(null));
        Assert.Equal(new Version(13, 0, 0, 0), typeof(JsonConvert).Assembly.GetName().Version);
        Assert.Equal("{\"host\":13}", JsonConvert.SerializeObject(new { host = 13 }));
        Assert.Equal("{\"plugin\":12}", pluginType.GetMethod("Serialize")!.Invoke(null, [new { plugin = 12 }]));

        var context = AssemblyLoadContext.GetLoadContext(pluginType.Assembly)!;
        Assert.Equal("Fixture.Isolated", context.Name);
        Assert.Same(context, AssemblyLoadContext.GetLoadContext(pluginNewtonsoft));
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(typeof(JsonConvert).Assembly));
        Assert.Equal(Path.Combine(folder, "Newtonsoft.Json.dll"), pluginNewtonsoft.Location);
    }

    [Fact]
    public void Load_PreferSharedTypes_UsesTheHostsCopyOfADependency()
    {
        var folder = _root.AddFixture("Fixture.Isolated");

        var plugin = LoadBehavior(folder, "isolated", preferSharedTypes: true);

        var pluginType = plugin.GetType();
        Assert.Equal(new Version(13, 0, 0, 0), pluginType.GetProperty("NewtonsoftVersion")!.GetValue(null));
        Assert.Same(typeof(JsonConvert).Assembly, pluginType.GetProperty("NewtonsoftAssembly")!.GetValue(null));
        Assert.Equal("Fixture.Isolated", AssemblyLoadContext.GetLoadContext(pluginType.Assembly)!.Name);
    }

    [Fact]
    public void Load_SharedAssemblyInPluginFolder_ResolvesToTheHostsCopy()
    {
        var folder = _root.AddFixture("Fixture.Services");
        Assert.True(File.Exists(Path.Combine(folder, "Microsoft.Extensions.Logging.Abstractions.dll")));

        var plugin = LoadBehavior(folder, "clock", preferSharedTypes: false);

        var constructor = Assert.Single(plugin.GetType().GetConstructors());
        Assert.Equal([typeof(TimeProvider), typeof(ILoggerFactory)], constructor.GetParameters().Select(p => p.ParameterType));
    }

    [Fact]
    public void LoadFromAssemblyName_Contract_IsTheHostsAssembly()
    {
        var folder = _root.AddFixture("Fixture.Services");
        var context = new PluginLoadContext(Path.Combine(folder, "Fixture.Services.dll"), SharedAssemblies.Names, preferSharedTypes: false);

        var contract = context.LoadFromAssemblyName(new AssemblyName("Vaurien.Abstractions"));
        var logging = context.LoadFromAssemblyName(new AssemblyName("Microsoft.Extensions.Logging.Abstractions"));

        Assert.Same(typeof(IBehavior).Assembly, contract);
        Assert.Same(typeof(NullLogger).Assembly, logging);
        Assert.Equal("Fixture.Services", context.Name);
    }

    [Fact]
    public void LoadFromAssemblyName_UnknownAssembly_ThrowsFileNotFound()
    {
        var folder = _root.AddFixture("Fixture.Services");
        var context = new PluginLoadContext(Path.Combine(folder, "Fixture.Services.dll"), SharedAssemblies.Names, preferSharedTypes: true);

        Assert.Throws<FileNotFoundException>(() => context.LoadFromAssemblyName(new AssemblyName("Not.There")));
    }

    [Fact]
    public void LoadUnmanagedDll_NativeAssetInDepsJson_ResolvesFromThePluginFolder()
    {
        var folder = AddNativeFixture(listInDepsJson: true);

        var plugin = LoadBehavior(folder, "native", preferSharedTypes: false);

        Assert.Equal(Environment.ProcessId, plugin.GetType().GetMethod("ProcessId")!.Invoke(null, null));
    }

    [Fact]
    public void LoadUnmanagedDll_NativeAssetNotInDepsJson_IsNotFound()
    {
        // The same file, unlisted: the runtime's own probing does not look under runtimes/, so the test above
        // passes only through the plugin's .deps.json.
        var folder = AddNativeFixture(listInDepsJson: false);

        var plugin = LoadBehavior(folder, "native", preferSharedTypes: false);

        var error = Assert.Throws<TargetInvocationException>(() => plugin.GetType().GetMethod("ProcessId")!.Invoke(null, null));
        Assert.IsType<DllNotFoundException>(error.InnerException);
    }

    private string AddNativeFixture(bool listInDepsJson)
    {
        var folder = _root.AddFixture("Fixture.Native");
        var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();
        var systemNative = Assert.Single(Directory.GetFiles(runtimeDirectory, "libSystem.Native.*"), f => !f.EndsWith(".a", StringComparison.Ordinal));
        var relative = $"runtimes/{RuntimeInformation.RuntimeIdentifier}/native/libvaurienfixturenative{Path.GetExtension(systemNative)}";
        var copy = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(systemNative, copy);
        if (listInDepsJson)
        {
            var depsPath = Path.Combine(folder, "Fixture.Native.deps.json");
            var deps = JsonNode.Parse(File.ReadAllText(depsPath))!;
            // As a package with a native asset for this platform lists it (e.g. SQLitePCLRaw's runtimes/<rid>/native/).
            var targets = deps["targets"]![".NETCoreApp,Version=v10.0"]!;
            targets["Fixture.Native/1.0.0"]!["dependencies"] = new JsonObject { ["Fixture.NativeLibrary"] = "1.0.0" };
            targets["Fixture.NativeLibrary/1.0.0"] = new JsonObject
            {
                ["runtimeTargets"] = new JsonObject
                {
                    [relative] = new JsonObject { ["rid"] = RuntimeInformation.RuntimeIdentifier, ["assetType"] = "native" },
                },
            };
            deps["libraries"]!["Fixture.NativeLibrary/1.0.0"] = new JsonObject { ["type"] = "package", ["serviceable"] = false, ["sha512"] = "" };
            File.WriteAllText(depsPath, deps.ToJsonString());
        }

        return folder;
    }

    private static object LoadBehavior(string folder, string name, bool preferSharedTypes)
    {
        using var loggerFactory = LoggerFactory.Create(_ => { });
        var catalog = new PluginLoader(loggerFactory, TimeProvider.System) { PreferSharedTypes = preferSharedTypes }
            .Load([Path.GetDirectoryName(folder)!]);
        Assert.Empty(catalog.Failures);
        Assert.True(catalog.TryGetBehavior(name, out var descriptor));
        return descriptor.Instance;
    }
}
