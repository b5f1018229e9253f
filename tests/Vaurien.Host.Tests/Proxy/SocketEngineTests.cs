using Vaurien.Host.Proxy;

namespace Vaurien.Host.Tests.Proxy;

public sealed class SocketEngineTests
{
    // The engine of this test process has long read the variable: changing it here affects nothing but the variable.
    [Theory]
    [InlineData(null, "1")]
    [InlineData("0", "0")]
    [InlineData("1", "1")]
    public void UseInlineCompletions_SetsTheSwitchUnlessTheUserDid(string? before, string expected)
    {
        var saved = Environment.GetEnvironmentVariable(SocketEngine.InlineCompletionsVariable);
        try
        {
            Environment.SetEnvironmentVariable(SocketEngine.InlineCompletionsVariable, before);

            SocketEngine.UseInlineCompletions();

            Assert.Equal(expected, Environment.GetEnvironmentVariable(SocketEngine.InlineCompletionsVariable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(SocketEngine.InlineCompletionsVariable, saved);
        }
    }
}
