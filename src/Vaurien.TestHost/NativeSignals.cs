using System.Runtime.InteropServices;

namespace Vaurien.TestHost;

/// <summary>SIGTERM by process id, as Vaurien's <c>stop_proxy</c> does, so a child host stops cleanly.</summary>
internal static class NativeSignals
{
    private const int SigTerm = 15;

    /// <summary>Asks the process to stop; false where signals are not available (Windows) or it is already gone.</summary>
    public static bool TryTerminate(int processId) =>
        !OperatingSystem.IsWindows() && Kill(processId, SigTerm) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
