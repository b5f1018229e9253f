using System.Net;
using System.Net.Sockets;
using Vaurien.Testing.Servers;

namespace Vaurien.Protocols.Tests;

/// <summary>
/// A real MariaDB server (mariadbd, from scripts/install-test-deps.sh) on 127.0.0.1 and a free port, with a throwaway
/// data directory, a throwaway self-signed certificate for TLS, and no grant tables (any user, no password); killed by
/// its process id on dispose. Ready once it sends a real handshake; the tests' database is <c>vt</c>.
/// </summary>
public sealed class MysqlServer : IAsyncLifetime
{
    private ServerProcess? _server;

    public IPEndPoint EndPoint => _server?.EndPoint ?? throw new InvalidOperationException("mariadbd is not started.");

    public async Task InitializeAsync()
    {
        var directory = ServerProcess.NewDirectory("mariadb");
        var data = Path.Combine(directory, "data");
        var root = Environment.UserName == "root";
        string[] install = ["--no-defaults", $"--datadir={data}", "--auth-root-authentication-method=normal", "--skip-test-db"];
        await MysqlClient.RunToolAsync("mariadb-install-db", root ? [.. install, "--user=root"] : install);
        await MysqlClient.RunToolAsync(
            "openssl",
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout", Path.Combine(directory, "key.pem"), "-out", Path.Combine(directory, "cert.pem")]);
        _server = await ServerProcess.StartAsync(
            "mariadbd",
            (port, dir) =>
            [
                "--no-defaults", .. root ? new[] { "--user=root" } : [], $"--datadir={data}", $"--socket={Path.Combine(dir, "sock")}",
                $"--pid-file={Path.Combine(dir, "pid")}", $"--tmpdir={dir}", $"--port={port}", "--bind-address=127.0.0.1",
                "--skip-grant-tables", "--skip-name-resolve", "--skip-log-bin", "--performance-schema=OFF", "--innodb-buffer-pool-size=16M",
                "--innodb-log-file-size=8M", "--key-buffer-size=1M", "--max-connections=50", "--max-allowed-packet=64M", "--local-infile=1",
                $"--ssl-cert={Path.Combine(dir, "cert.pem")}", $"--ssl-key={Path.Combine(dir, "key.pem")}",
            ],
            directory,
            ready: GreetsAsync);

        // The tests' own database, made once so that no test's answers depend on which test ran first.
        await MysqlClient.RunToolAsync("mariadb", ["--no-defaults", "-h", "127.0.0.1", "-P", EndPoint.Port.ToString(), "-u", "root", "--skip-ssl", "-e", "CREATE DATABASE vt"]);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    // Ready when a connection gets a protocol-10 handshake, not merely when the port accepts.
    private static async Task<bool> GreetsAsync(IPEndPoint endPoint)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await socket.ConnectAsync(endPoint, timeout.Token);
            var buffer = new byte[5];
            var received = 0;
            while (received < buffer.Length)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, timeout.Token);
                if (read == 0)
                {
                    return false;
                }

                received += read;
            }

            return buffer[4] == 10;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
