using System.Runtime.InteropServices;
using Vaurien;

namespace Fixture.Native;

/// <summary>A behavior whose plugin calls into a native library found only through its .deps.json.</summary>
[ExportBehavior("native")]
public sealed class NativeBehavior : IBehavior
{
    /// <summary>The process id, as the native library reports it.</summary>
    public static int ProcessId() => GetPid();

    public ValueTask OnBeforeHandle(BehaviorContext context) => ValueTask.CompletedTask;

    public ValueTask OnAfterHandle(BehaviorContext context) => ValueTask.CompletedTask;

    // The test copies the runtime's libSystem.Native under this name: any library with this export would do.
    [DllImport("vaurienfixturenative", EntryPoint = "SystemNative_GetPid")]
    private static extern int GetPid();
}
