using System.Runtime.InteropServices;

namespace Vaurien.Host.Proxy;

/// <summary>The few Linux epoll(7) calls <see cref="EpollEngine"/> makes.</summary>
internal static partial class Epoll
{
    public const uint In = 0x001;
    public const uint Out = 0x004;
    public const uint Error = 0x008;
    public const uint HangUp = 0x010;
    public const uint ReadHangUp = 0x2000;
    public const uint EdgeTriggered = 1u << 31;

    public const int ControlAdd = 1;
    public const int ControlDelete = 2;

    // EPOLL_CLOEXEC (O_CLOEXEC on x86-64).
    public const int CloseOnExec = 0x80000;

    // errno EINTR: a signal ended the wait early.
    public const int Interrupted = 4;

    /// <summary>Whether this process can use the engine: Linux on x86-64, where <see cref="Event"/>'s packed layout is the kernel's.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int Create(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int Control(int epoll, int operation, int fd, ref Event @event);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int Wait(int epoll, [Out] Event[] events, int maxEvents, int timeout);

    /// <summary>struct epoll_event, packed on x86-64.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct Event
    {
        public uint Events;
        public ulong Data;
    }
}
