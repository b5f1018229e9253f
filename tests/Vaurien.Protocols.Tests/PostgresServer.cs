using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Vaurien.Testing.Network;
using Vaurien.Testing.Servers;

namespace Vaurien.Protocols.Tests;

/// <summary>
/// A real PostgreSQL 15 (from scripts/install-test-deps.sh) on 127.0.0.1 and a free port, with trust authentication
/// and a throwaway data directory; killed by its process id on dispose. PostgreSQL refuses to run as root, so initdb
/// and the server run as the package's postgres user through setpriv, which execs: the process id is the server's.
/// TLS is on, with a self-signed certificate made for the run, so that clients choose: the tests' clients disable it
/// unless a test is about encrypted sessions.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string Bin = "/usr/lib/postgresql/15/bin/";

    private ServerProcess? _server;

    public IPEndPoint EndPoint => _server?.EndPoint ?? throw new InvalidOperationException("postgres is not started.");

    /// <summary>An Npgsql connection string to <paramref name="endPoint"/> (the server or a proxy), without pooling.</summary>
    public static string ConnectionString(IPEndPoint endPoint) =>
        $"Host=127.0.0.1;Port={endPoint.Port};Username=postgres;Database=postgres;Pooling=false;Timeout=15;Command Timeout=15;SSL Mode=Disable";

    public async Task InitializeAsync()
    {
        var directory = ServerProcess.NewDirectory("postgres");
        var data = Path.Combine(directory, "data");
        var certificate = Path.Combine(directory, "server.crt");
        var key = Path.Combine(directory, "server.key");
        await RunAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1");
        await RunAsync("chmod", "600", key);
        await RunAsync("chown", "-R", "postgres", directory);
        await RunAsync("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", Bin + "initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-sync");
        _server = await ServerProcess.StartAsync(
            "setpriv",
            (port, dir) =>
            [
                "--reuid=postgres", "--regid=postgres", "--init-groups", Bin + "postgres", "-D", data, "-p", port.ToString(), "-k", dir,
                "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "shared_buffers=16MB",
                "-c", "ssl=on", "-c", $"ssl_cert_file={certificate}", "-c", $"ssl_key_file={key}",
            ],
            directory,
            ready: StartsSessionAsync);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static async Task<bool> StartsSessionAsync(IPEndPoint endPoint)
    {
        try
        {
            using var socket = await PostgresWire.ConnectAsync(endPoint).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException or EndOfStreamException or Xunit.Sdk.XunitException)
        {
            return false;
        }
    }

    private static async Task RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        using var cts = new CancellationTokenSource(4 * TestTimeouts.Network);
        var output = process.StandardOutput.ReadToEndAsync(cts.Token);
        var errors = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish in time.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} exited with {process.ExitCode}:\n{await output}\n{await errors}");
        }
    }
}
