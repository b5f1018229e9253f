using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Vaurien.Testing.Network;

namespace Vaurien.Protocols.Tests;

/// <summary>
/// A real redis-server (from scripts/install-test-deps.sh) on 127.0.0.1 and a free port, with a throwaway directory
/// and no persistence; killed by its process id on dispose.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _process;
    private string? _directory;

    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    public async Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("vaurien-redis-").FullName;
        var port = FreePort();
        EndPoint = new IPEndPoint(IPAddress.Loopback, port);
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _directory })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitFor.ConditionAsync(() => Pings(), "redis-server to answer PING");
        await Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        if (_process is not null)
        {
            _process.Kill();
            _process.WaitForExit(TestTimeouts.Network);
            _process.Dispose();
        }

        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private bool Pings()
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 1000, SendTimeout = 1000 };
            socket.Connect(EndPoint);
            socket.Send("PING\r\n"u8);
            var buffer = new byte[16];
            var received = socket.Receive(buffer);
            return Encoding.ASCII.GetString(buffer, 0, received) == "+PONG\r\n";
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
