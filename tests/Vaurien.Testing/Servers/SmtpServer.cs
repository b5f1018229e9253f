using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Vaurien.Testing.Servers;

/// <summary>
/// A real SMTP server, Debian's aiosmtpd (from scripts/install-test-deps.sh), on 127.0.0.1 and a free port, storing
/// each delivered message as a file in a throwaway maildir; killed by its process id on dispose.
/// </summary>
public sealed class SmtpServer : IAsyncLifetime
{
    private ServerProcess? _server;

    public IPEndPoint EndPoint => Server.EndPoint;

    private ServerProcess Server => _server ?? throw new InvalidOperationException("aiosmtpd is not started.");

    private string NewMessages => Path.Combine(Server.Directory, "maildir", "new");

    // Debian's python3 has aiosmtpd; the python first on PATH may not.
    public async Task InitializeAsync() =>
        _server = await ServerProcess.StartAsync(
            "/usr/bin/python3",
            (port, directory) => ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", Path.Combine(directory, "maildir")],
            ready: GreetsAsync);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>
    /// The body (after the headers, which the server adds to) of the one stored message that holds
    /// <paramref name="token"/>. The server stores a message before it answers the end of DATA.
    /// </summary>
    public byte[] StoredBody(string token)
    {
        var needle = Encoding.ASCII.GetBytes(token);
        var found = Directory.Exists(NewMessages)
            ? Directory.GetFiles(NewMessages).Select(File.ReadAllBytes).Where(m => m.AsSpan().IndexOf(needle) >= 0).ToList()
            : [];
        Assert.True(found.Count == 1, $"Expected one stored message holding {token}, found {found.Count}.");
        var message = found[0];
        var end = message.AsSpan().IndexOf("\n\n"u8);
        Assert.True(end >= 0, "The stored message has no blank line after its headers.");
        return message[(end + 2)..];
    }

    private static async Task<bool> GreetsAsync(IPEndPoint endPoint)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await socket.ConnectAsync(endPoint, timeout.Token);
            var buffer = new byte[512];
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, received).StartsWith("220", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
