using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Vaurien.Host.Proxy;

/// <summary>The few Linux calls <see cref="EpollEngine"/> and its sockets make: epoll(7), and the socket calls that go at once.</summary>
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

    // SOCK_NONBLOCK | SOCK_CLOEXEC, and with SOCK_STREAM.
    public const int NonBlockingCloseOnExec = 0x800 | 0x80000;
    public const int StreamNonBlocking = 1 | NonBlockingCloseOnExec;

    // SOL_SOCKET, SO_ERROR.
    public const int SocketLevel = 1;
    public const int ErrorOption = 4;

    // errno EAGAIN: nothing to read, or no room to send, right now.
    private const int WouldBlock = 11;

    // MSG_NOSIGNAL: a send to a peer that went away fails with EPIPE instead of raising SIGPIPE (as .NET sends).
    private const int NoSignal = 0x4000;

    // fcntl F_GETFL, F_SETFL, O_NONBLOCK.
    private const int GetFlags = 3;
    private const int SetFlags = 4;
    private const int NonBlocking = 0x800;

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

    [LibraryImport("libc", EntryPoint = "accept4", SetLastError = true)]
    private static partial int Accept(SafeSocketHandle listener, nint address, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSocketOption(int fd, int level, int name, out int value, ref int length);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint Recv(SafeSocketHandle socket, Span<byte> buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint Send(SafeSocketHandle socket, ReadOnlySpan<byte> buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(SafeSocketHandle socket, int command, int argument);

    /// <summary>
    /// One recv(2) on a non-blocking socket: what is there, or <see cref="SocketError.WouldBlock"/>. The handle is
    /// held for the call (as .NET's own calls hold it), so a socket closed meanwhile fails with
    /// <see cref="ObjectDisposedException"/> and its descriptor, perhaps reused, is never read.
    /// </summary>
    public static int Receive(SafeSocketHandle socket, Span<byte> buffer, out SocketError status)
    {
        nint received;
        do
        {
            received = Recv(socket, buffer, (nuint)buffer.Length, 0);
        }
        while (IsInterrupted(received));

        return Outcome(received, out status);
    }

    /// <summary>One send(2) on a non-blocking socket: what it took, or <see cref="SocketError.WouldBlock"/>; the handle is held as in <see cref="Receive"/>.</summary>
    public static int Send(SafeSocketHandle socket, ReadOnlySpan<byte> buffer, out SocketError status)
    {
        nint sent;
        do
        {
            sent = Send(socket, buffer, (nuint)buffer.Length, NoSignal);
        }
        while (IsInterrupted(sent));

        return Outcome(sent, out status);
    }

    /// <summary>One accept4(2) on a non-blocking listener: a non-blocking, close-on-exec socket's descriptor, or -1 (<see cref="SocketError.WouldBlock"/> when none is pending).</summary>
    public static int Accept(SafeSocketHandle listener, out SocketError status)
    {
        int fd;
        do
        {
            fd = Accept(listener, 0, 0, NonBlockingCloseOnExec);
        }
        while (IsInterrupted(fd));

        Outcome(fd, out status);
        return fd;
    }

    /// <summary>
    /// Makes the socket non-blocking without telling .NET: its <c>Blocking</c> setter would also give the socket an
    /// async context of its own (about 300 bytes) that the engine never uses.
    /// </summary>
    public static void SetNonBlocking(SafeSocketHandle socket)
    {
        var flags = Fcntl(socket, GetFlags, 0);
        if (flags < 0 || ((flags & NonBlocking) == 0 && Fcntl(socket, SetFlags, flags | NonBlocking) < 0))
        {
            throw Failure(Marshal.GetLastPInvokeError());
        }
    }

    // A signal came before anything moved: the call is made again (as .NET's own calls do).
    private static bool IsInterrupted(nint result) => result < 0 && Marshal.GetLastPInvokeError() == Interrupted;

    private static int Outcome(nint result, out SocketError status)
    {
        status = result < 0 ? ErrorOf(Marshal.GetLastPInvokeError()) : SocketError.Success;
        return result < 0 ? 0 : (int)result;
    }

    /// <summary>The failure a Linux errno means, as .NET reports it.</summary>
    public static SocketException Failure(int errno) => new((int)ErrorOf(errno));

    private static SocketError ErrorOf(int errno) => errno switch
    {
        WouldBlock => SocketError.WouldBlock,
        111 => SocketError.ConnectionRefused,
        110 => SocketError.TimedOut,
        113 => SocketError.HostUnreachable,
        101 => SocketError.NetworkUnreachable,
        102 => SocketError.NetworkReset,
        99 => SocketError.AddressNotAvailable,
        104 => SocketError.ConnectionReset,
        103 => SocketError.ConnectionAborted,
        107 => SocketError.NotConnected,
        32 => SocketError.Shutdown,
        22 => SocketError.InvalidArgument,
        24 or 23 => SocketError.TooManyOpenSockets,
        13 => SocketError.AccessDenied,
        9 => SocketError.OperationAborted,
        _ => SocketError.SocketError,
    };

    /// <summary>struct epoll_event, packed on x86-64.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct Event
    {
        public uint Events;
        public ulong Data;
    }
}
