using System.Net.Sockets;
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

    // errno EINPROGRESS: a non-blocking connect is under way.
    public const int InProgress = 115;

    // SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC.
    public const int StreamNonBlocking = 1 | 0x800 | 0x80000;

    // SOL_SOCKET, SO_ERROR.
    public const int SocketLevel = 1;
    public const int ErrorOption = 4;

    /// <summary>Whether this process can use the engine: Linux on x86-64, where <see cref="Event"/>'s packed layout is the kernel's.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int Create(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int Control(int epoll, int operation, int fd, ref Event @event);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int Wait(int epoll, [Out] Event[] events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int OpenSocket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, ReadOnlySpan<byte> address, int length);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSocketOption(int fd, int level, int name, out int value, ref int length);

    /// <summary>The failure a Linux errno means, as .NET reports it.</summary>
    public static SocketException Failure(int errno) => new((int)(errno switch
    {
        111 => SocketError.ConnectionRefused,
        110 => SocketError.TimedOut,
        113 => SocketError.HostUnreachable,
        101 => SocketError.NetworkUnreachable,
        99 => SocketError.AddressNotAvailable,
        104 => SocketError.ConnectionReset,
        24 or 23 => SocketError.TooManyOpenSockets,
        13 => SocketError.AccessDenied,
        9 => SocketError.OperationAborted,
        _ => SocketError.SocketError,
    }));

    /// <summary>struct epoll_event, packed on x86-64.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct Event
    {
        public uint Events;
        public ulong Data;
    }
}
