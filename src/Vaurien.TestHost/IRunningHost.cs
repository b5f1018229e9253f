using System.Net;

namespace Vaurien.TestHost;

/// <summary>A started <c>vaurien</c>, in-process or as a child process; disposing it stops it.</summary>
internal interface IRunningHost : IAsyncDisposable
{
    IPEndPoint ProxyEndPoint { get; }

    Uri ControlUri { get; }

    int? ProcessId { get; }

    CapturedOutput Output { get; }

    /// <summary>Completes when the host has stopped, on its own or not.</summary>
    Task Stopped { get; }
}
