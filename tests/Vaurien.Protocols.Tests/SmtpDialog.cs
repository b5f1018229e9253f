using System.Net;
using System.Net.Sockets;
using System.Text;
using Vaurien.Testing.Network;

namespace Vaurien.Protocols.Tests;

/// <summary>A raw SMTP conversation on one loopback socket: send lines, read whole replies (multi-line ones included).</summary>
internal sealed class SmtpDialog : IDisposable
{
    private readonly Socket _socket;
    private readonly StringBuilder _received = new();
    private readonly byte[] _buffer = new byte[16 * 1024];

    private SmtpDialog(Socket socket) => _socket = socket;

    /// <summary>The server's greeting.</summary>
    public string Greeting { get; private set; } = "";

    public static async Task<SmtpDialog> ConnectAsync(IPEndPoint endPoint)
    {
        var dialog = new SmtpDialog(await SocketTestExtensions.ConnectLoopbackAsync(endPoint));
        dialog.Greeting = await dialog.ReplyAsync();
        return dialog;
    }

    public Task SendAsync(string text) => _socket.SendAllAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>Sends <paramref name="line"/> and its CRLF and reads its reply.</summary>
    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReplyAsync();
    }

    /// <summary>The next whole reply: lines up to the one whose 4th character is not '-'.</summary>
    public async Task<string> ReplyAsync()
    {
        while (true)
        {
            var text = _received.ToString();
            var start = 0;
            for (var end = text.IndexOf("\r\n", StringComparison.Ordinal); end >= 0; end = text.IndexOf("\r\n", start, StringComparison.Ordinal))
            {
                var line = text[start..end];
                start = end + 2;
                if (line.Length < 4 || line[3] != '-')
                {
                    _received.Remove(0, start);
                    return text[..start];
                }
            }

            var received = await _socket.ReceiveOnceAsync(_buffer);
            if (received == 0)
            {
                throw new EndOfStreamException($"The connection ended before a whole reply; received \"{text}\".");
            }

            _received.Append(Encoding.Latin1.GetString(_buffer, 0, received));
        }
    }

    public void Dispose() => _socket.Dispose();
}
