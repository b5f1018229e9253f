using Microsoft.Extensions.Logging;
using Vaurien.Testing.Time;
using Xunit;

namespace Vaurien.Host.Plugins.Tests;

public sealed class PluginLoaderTests : IDisposable
{
    private readonly PluginRoot _root = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly RecordingLoggerProvider _log;
    private readonly ManualTimeProvider _time = new();

    public PluginLoaderTests()
    {
        _loggerFactory = RecordingLoggerProvider.CreateFactory(out _log);
    }

    public void Dispose()
    {
        _loggerFactory.Dispose();
        _root.Dispose();
    }

    [Fact]
    public void Load_MissingRoot_ThrowsNamingTheFolder()
    {
        var missing = Path.Combine(_root.Path, "nowhere");

        var error = Assert.Throws<PluginException>(() => Loader().Load([missing]));

        Assert.Equal($"Plugin folder '{missing}' does not exist.", error.Message);
    }

    [Fact]
    public void Load_PublicAndInternalExports_DiscoversBehaviorsAndProtocols()
    {
        var isolated = _root.AddFixture("Fixture.Isolated");
        var services = _root.AddFixture("Fixture.Services");

        var catalog = Loader().Load([_root.Path]);

        Assert.Empty(catalog.Failures);
        Assert.Equal(["clock", "isolated"], catalog.Behaviors.Select(b => b.Name));
        var line = Assert.Single(catalog.Protocols);
        Assert.Equal(("line", "Fixture.Services.LineProtocol", "Lines of text.", services), (line.Name, line.TypeName, line.Description, line.Origin));
        Assert.IsAssignableFrom<IProtocol>(line.Protocol);

        // IsolatedBehavior is public, ClockBehavior internal: both are discovered.
        Assert.True(catalog.TryGetBehavior("isolated", out var publicOne));
        Assert.True(publicOne.Instance.GetType().IsPublic);
        Assert.Equal(("Fixture.Isolated.IsolatedBehavior", "Uses Newtonsoft.Json 12.", isolated), (publicOne.TypeName, publicOne.Description, publicOne.Origin));
        Assert.True(catalog.TryGetBehavior("clock", out var internalOne));
        Assert.False(internalOne.Instance.GetType().IsPublic);
    }

    [Fact]
    public void Load_Behavior_IsFoundByNameAndByFullTypeName()
    {
        _root.AddFixture("Fixture.Services");

        var catalog = Loader().Load([_root.Path]);

        Assert.True(catalog.TryGetBehavior("clock", out var byName));
        Assert.True(catalog.TryGetBehavior("Fixture.Services.ClockBehavior", out var byType));
        Assert.Same(byName, byType);
        Assert.True(catalog.TryGet(ExtensionKind.Protocol, "Fixture.Services.LineProtocol", out var protocol));
        Assert.Equal("line", protocol.Name);
        Assert.False(catalog.TryGetBehavior("line", out _));
    }

    [Fact]
    public void Load_BehaviorWithOptions_DescribesItsOptions()
    {
        _root.AddFixture("Fixture.Services");

        var catalog = Loader().Load([_root.Path]);

        Assert.True(catalog.TryGetBehavior("clock", out var clock));
        var option = Assert.Single(clock.Options.Options);
        Assert.Equal(("ticks", 5), (option.Name, (int)option.Default!));
        Assert.Equal("Fixture.Services.ClockOptions", clock.Options.OptionsType.FullName);
    }

    [Fact]
    public void Load_ImportingConstructor_ReceivesTheHostsTimeProviderAndLoggerFactory()
    {
        _root.AddFixture("Fixture.Services");

        var catalog = Loader().Load([_root.Path]);

        Assert.True(catalog.TryGetBehavior("clock", out var clock));
        var type = clock.Instance.GetType();
        Assert.Same(_time, type.GetProperty("Time")!.GetValue(clock.Instance));
        var logger = Assert.IsAssignableFrom<ILogger>(type.GetProperty("Logger")!.GetValue(clock.Instance));
        logger.LogInformation("hello from the plugin");
        Assert.Contains(_log.Entries, e => e.Category == "Fixture.Services.Clock" && e.Message == "hello from the plugin");
    }

    [Fact]
    public void Load_NotADotNetAssembly_RecordsFailureAndKeepsOtherPlugins()
    {
        var folder = _root.AddFolder("NotAssembly");
        File.WriteAllText(Path.Combine(folder, "NotAssembly.dll"), "this is a text file");
        _root.AddFixture("Fixture.Services");

        var catalog = Loader().Load([_root.Path]);

        var failure = Assert.Single(catalog.Failures);
        Assert.Equal(folder, failure.Folder);
        Assert.Equal("'NotAssembly.dll' is not a .NET assembly.", failure.Reason);
        Assert.True(catalog.TryGetBehavior("clock", out _));
    }

    [Fact]
    public void Load_WrongAbstractionsMajorVersion_RecordsBothVersions()
    {
        var folder = _root.AddFixture("Fixture.WrongAbstractions");

        var catalog = Loader().Load([_root.Path]);

        var failure = Assert.Single(catalog.Failures);
        Assert.Equal(folder, failure.Folder);
        Assert.Equal(
            "it was built against Vaurien.Abstractions 2.0.0.0, but this host provides Vaurien.Abstractions 1.0.0.0: rebuild it against Vaurien.Abstractions 1.x.",
            failure.Reason);
        Assert.Empty(catalog.Behaviors);
    }

    [Fact]
    public void Load_DependencyDeleted_RecordsTheMissingAssembly()
    {
        var folder = _root.AddFixture("Fixture.MissingDependency");
        File.Delete(Path.Combine(folder, "Fixture.MissingDependency.Library.dll"));
        _root.AddFixture("Fixture.Isolated");

        var catalog = Loader().Load([_root.Path]);

        var failure = Assert.Single(catalog.Failures);
        Assert.Equal(folder, failure.Folder);
        Assert.Equal(
            "missing dependency: assembly 'Fixture.MissingDependency.Library 1.0.0.0' was found neither in the plugin folder nor in the host.",
            failure.Reason);
        Assert.True(catalog.TryGetBehavior("isolated", out _));
    }

    [Fact]
    public void Load_DependencyPresent_LoadsThePlugin()
    {
        _root.AddFixture("Fixture.MissingDependency");

        var catalog = Loader().Load([_root.Path]);

        Assert.Empty(catalog.Failures);
        Assert.True(catalog.TryGetBehavior("greeting", out _));
    }

    [Fact]
    public void Load_ConstructorThrows_RecordsTheTypeAndTheMessage()
    {
        var folder = _root.AddFixture("Fixture.Throwing");

        var catalog = Loader().Load([_root.Path]);

        var failure = Assert.Single(catalog.Failures);
        Assert.Equal(folder, failure.Folder);
        Assert.Equal(
            "creating the behavior 'throwing' (Fixture.Throwing.ThrowingBehavior) failed: InvalidOperationException: The throwing fixture always throws.",
            failure.Reason);
    }

    [Fact]
    public void Load_FolderWithoutItsAssembly_RecordsFailure()
    {
        var folder = _root.AddFolder("Empty");

        var catalog = Loader().Load([_root.Path]);

        var failure = Assert.Single(catalog.Failures);
        Assert.Equal(folder, failure.Folder);
        Assert.StartsWith("'Empty.dll' was not found in the folder", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AssemblyWithoutExports_LogsWarningWithoutFailure()
    {
        var folder = _root.AddFolder("Fixture.MissingDependency.Library");
        File.Copy(
            Path.Combine(PluginRoot.Fixtures, "Fixture.MissingDependency", "Fixture.MissingDependency.Library.dll"),
            Path.Combine(folder, "Fixture.MissingDependency.Library.dll"));

        var catalog = Loader().Load([_root.Path]);

        Assert.Empty(catalog.Failures);
        Assert.Empty(catalog.Behaviors);
        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal($"Plugin '{folder}' exports no behavior or protocol: nothing was loaded from it.", warning.Message);
    }

    [Fact]
    public void Load_FailedPlugins_LogOneLineEach()
    {
        _root.AddFixture("Fixture.Throwing");
        _root.AddFixture("Fixture.WrongAbstractions");

        var catalog = Loader().Load([_root.Path]);

        var errors = _log.Entries.Where(e => e.Level == LogLevel.Error).ToList();
        Assert.Equal(catalog.Failures.Select(f => f.ToString()), errors.Select(e => e.Message));
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.DoesNotContain('\n', e.Message));
        Assert.All(errors, e => Assert.Equal("PluginFailed", e.EventId.Name));
    }

    [Fact]
    public void Load_SameNameInTwoPlugins_ThrowsNamingBoth()
    {
        var services = _root.AddFixture("Fixture.Services");
        var duplicate = _root.AddFixture("Fixture.Duplicate");

        var error = Assert.Throws<PluginException>(() => Loader().Load([_root.Path]));

        Assert.Contains("'clock'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Fixture.Services.ClockBehavior from '{services}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Fixture.Duplicate.OtherClockBehavior from '{duplicate}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SeveralRoots_LoadsEachRootOnce()
    {
        using var other = new PluginRoot();
        other.AddFixture("Fixture.Isolated");
        _root.AddFixture("Fixture.Services");

        var catalog = Loader().Load([_root.Path, other.Path, _root.Path + Path.DirectorySeparatorChar]);

        Assert.Equal(["clock", "isolated"], catalog.Behaviors.Select(b => b.Name));
    }

    [Fact]
    public void UnknownMessage_AfterAFailure_ExplainsWhichPluginFailed()
    {
        var folder = _root.AddFixture("Fixture.Throwing");

        var catalog = Loader().Load([_root.Path]);

        var message = catalog.UnknownMessage(ExtensionKind.Behavior, "throwing");
        Assert.Contains($"Plugin '{folder}' was not loaded: creating the behavior 'throwing'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DefaultRoot_LoadsTheBuiltInPluginsLikeAnyOther()
    {
        var catalog = Loader().Load([PluginLoader.DefaultRoot]);

        Assert.Empty(catalog.Failures);
        var origin = Path.Combine(PluginLoader.DefaultRoot, "Vaurien.Behaviors");
        string[] builtIns = ["abort", "blackout", "delay", "dummy", "error", "hang", "transient"];
        Assert.All(builtIns, name => Assert.True(catalog.TryGetBehavior(name, out _), $"The built-in behavior '{name}' was not loaded."));
        Assert.All(catalog.Behaviors.Where(b => builtIns.Contains(b.Name)), b => Assert.Equal(origin, b.Origin));
        Assert.True(catalog.TryGetBehavior("Vaurien.Behaviors.Delay", out var delay));
        Assert.Equal("delay", delay.Name);
        Assert.Contains(delay.Options.Options, o => o.Name == "sleep");
        Assert.True(catalog.TryGetBehavior("dummy", out var dummy));
        Assert.True(dummy.IsPassThrough);
        Assert.True(catalog.TryGetProtocol("tcp", out var tcp));
        Assert.Equal(Path.Combine(PluginLoader.DefaultRoot, "Vaurien.Protocols"), tcp.Origin);
    }

    private PluginLoader Loader() => new(_loggerFactory, _time);
}
