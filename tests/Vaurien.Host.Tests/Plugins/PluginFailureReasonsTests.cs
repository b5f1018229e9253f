using System.Composition.Hosting;
using System.Reflection;
using Xunit;

namespace Vaurien.Host.Plugins.Tests;

public sealed class PluginFailureReasonsTests
{
    [Fact]
    public void Describe_TypeLoadFailureOnMissingAssembly_NamesTheAssembly()
    {
        var missing = new FileNotFoundException("Could not load.", "Some.Library, Version=2.1.0.0, Culture=neutral, PublicKeyToken=null");
        var error = new ReflectionTypeLoadException([null], [null, missing]);

        Assert.Equal(
            "missing dependency: assembly 'Some.Library 2.1.0.0' was found neither in the plugin folder nor in the host.",
            PluginFailureReasons.Describe(error));
    }

    [Fact]
    public void Describe_TypeLoadException_GivesTheLoaderMessage()
    {
        var error = new ReflectionTypeLoadException([null], [new TypeLoadException("Method 'X' has no implementation.")]);

        Assert.Equal("a type failed to load: Method 'X' has no implementation.", PluginFailureReasons.Describe(error));
    }

    [Fact]
    public void Describe_MultiLineCompositionError_IsOneLine()
    {
        var error = new CompositionFailedException("No export was found for the contract 'Foo'\n -> required by import 'foo' of part 'Bar'\r\n");

        Assert.Equal(
            "composition failed: No export was found for the contract 'Foo' -> required by import 'foo' of part 'Bar'",
            PluginFailureReasons.Describe(error));
    }

    [Fact]
    public void Describe_TargetInvocation_DescribesTheInnerException()
    {
        var error = new TargetInvocationException(new InvalidOperationException("boom"));

        Assert.Equal("InvalidOperationException: boom", PluginFailureReasons.Describe(error));
    }
}
