namespace Vaurien.Host.Proxy;

/// <summary>How the process's socket engine runs the continuations of socket operations.</summary>
internal static class SocketEngine
{
    /// <summary>The switch .NET's socket engine reads once, when it starts (Linux, macOS).</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Runs socket completions on the engine's own thread instead of queueing each to the thread pool. The whole data
    /// path is non-blocking (pipes with inline schedulers, async hooks), so the hop bought nothing but a thread wake
    /// per read and per send: measured here, +30% redis ops/s and +25% iperf3 throughput through tcp+dummy. The price:
    /// a hook that blocks a thread stalls every connection's I/O, so hooks must stay asynchronous. Must run before the
    /// first socket operation; a value the user set (0 turns it off) wins.
    /// </summary>
    public static void UseInlineCompletions()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }
    }
}
