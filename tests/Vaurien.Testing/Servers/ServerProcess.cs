using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Vaurien.Testing.Network;

namespace Vaurien.Testing.Servers;

/// <summary>
/// A real server from a Debian package (redis-server, memcached, mariadbd, postgres, python3 -m aiosmtpd...) on
/// 127.0.0.1 and a free port, with a throwaway directory; stopped by its process id and the directory deleted on
/// dispose. What it prints is kept for the failure message when it does not come up.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServerProcess(Process process, string directory, IPEndPoint endPoint)
    {
        _process = process;
        Directory = directory;
        EndPoint = endPoint;
    }

    /// <summary>Where the server listens.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The server's throwaway directory (data, sockets, configuration).</summary>
    public string Directory { get; }

    /// <summary>The server's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>What the server printed so far, both streams interleaved.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>A free TCP port on 127.0.0.1 (free when asked: a server started right after gets it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A new throwaway directory for a server's data.</summary>
    public static string NewDirectory(string name) => System.IO.Directory.CreateTempSubdirectory($"vaurien-{name}-").FullName;

    /// <summary>
    /// Starts <paramref name="fileName"/> with the arguments <paramref name="arguments"/> builds from the port and
    /// directory, then waits until <paramref name="ready"/> (by default: the port accepts a connection).
    /// </summary>
    /// <param name="fileName">The server executable.</param>
    /// <param name="arguments">The command line, given the free port and the throwaway directory.</param>
    /// <param name="directory">The throwaway directory to use (deleted on dispose); null for a new one.</param>
    /// <param name="ready">Whether the server is up; polled until it is, with a deadline.</param>
    /// <param name="environment">Extra environment variables.</param>
    public static async Task<ServerProcess> StartAsync(
        string fileName,
        Func<int, string, IEnumerable<string>> arguments,
        string? directory = null,
        Func<IPEndPoint, Task<bool>>? ready = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        directory ??= NewDirectory(Path.GetFileName(fileName));
        var port = FreePort();
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = directory,
        };
        foreach (var argument in arguments(port, directory))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var server = new ServerProcess(process, directory, endPoint);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilReadyAsync(ready ?? AcceptsAsync, fileName);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Whether <paramref name="endPoint"/> accepts a TCP connection within a second.</summary>
    public static async Task<bool> AcceptsAsync(IPEndPoint endPoint)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await socket.ConnectAsync(endPoint, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync(new CancellationTokenSource(TestTimeouts.Network).Token);
        }
        finally
        {
            _process.Dispose();
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // A server's last file may still be closing; the directory is under the temp folder.
            }
        }
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private async Task WaitUntilReadyAsync(Func<IPEndPoint, Task<bool>> ready, string fileName)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await ready(EndPoint))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{fileName} exited with code {_process.ExitCode} before it was ready:\n{Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{fileName} was not ready within 60 s:\n{Output}");
            }

            await Task.Delay(50);
        }
    }
}
