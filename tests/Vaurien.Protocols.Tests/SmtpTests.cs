using System.Diagnostics;
using System.Net;
using System.Net.Mail;
using System.Net.Sockets;
using System.Text;
using Vaurien.Behaviors;
using Vaurien.Testing.Network;
using Vaurien.Testing.Servers;
using Xunit.Abstractions;

namespace Vaurien.Protocols.Tests;

[Collection(TimingCollection.Name)]
public sealed class SmtpTests(SmtpServer smtp, ITestOutputHelper output) : IClassFixture<SmtpServer>
{
    // Sends the message file given as argv[3] with smtplib and prints "sent", or the SMTP error it raised.
    private const string SendWithSmtplib = """
        import smtplib, sys
        data = open(sys.argv[3], 'rb').read()
        s = smtplib.SMTP(sys.argv[1], int(sys.argv[2]), timeout=10)
        try:
            s.sendmail('from@example.com', ['to@example.com'], data)
            print('sent')
        except smtplib.SMTPResponseException as e:
            print(type(e).__name__, e.smtp_code, e.smtp_error.decode())
        finally:
            s.close()
        """;

    internal static IProtocol Smtp() => Exports.Protocol(typeof(SmtpOptions).Assembly, "smtp");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Relay_MebibyteMessagesWithDotLines_StoredBodiesAreByteIdenticalToTheDirectOnes(bool framed)
    {
        await using var proxy = await StartProxyAsync(framed);

        var body = DottedBody();

        var direct = await SendWithSmtplibAsync(smtp.EndPoint, body);
        var proxied = await SendWithSmtplibAsync(proxy.EndPoint, body);
        var directClient = await SendWithSmtpClientAsync(smtp.EndPoint, body);
        var proxiedClient = await SendWithSmtpClientAsync(proxy.EndPoint, body);

        Assert.True(proxied.Length > 1 << 20);
        Assert.True(direct.AsSpan().SequenceEqual(proxied), "The body stored through the proxy differs from the direct one (smtplib).");
        Assert.True(directClient.AsSpan().SequenceEqual(proxiedClient), "The body stored through the proxy differs from the direct one (SmtpClient).");

        // Dot-stuffing was added by the client and removed by the server exactly once: the body is the one sent.
        Assert.True(Encoding.ASCII.GetBytes(body.Replace("\r\n", "\n")).AsSpan().SequenceEqual(proxied), "The stored body is not the body sent.");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Relay_PipelinedSessionAndQuit_RepliesAreByteIdenticalToTheDirectConnection(bool framed)
    {
        await using var proxy = await StartProxyAsync(framed);

        var direct = await PipelinedSessionAsync(smtp.EndPoint);
        var proxied = await PipelinedSessionAsync(proxy.EndPoint);

        Assert.Equal(direct, proxied);
        Assert.EndsWith("250 OK\r\n221 Bye\r\n", proxied);
    }

    [Fact]
    public async Task HalfClose_ClientFinAfterCommands_RepliesThenTheServersFinReachTheClient()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Smtp(), smtp.EndPoint);
        proxy.SetBehavior(new DelegateBehavior());
        using var socket = await proxy.ConnectAsync();

        await socket.SendAllAsync("NOOP\r\nNOOP\r\n"u8.ToArray());
        socket.Shutdown(SocketShutdown.Send);
        var all = Encoding.ASCII.GetString(await socket.ReceiveToEndAsync());

        Assert.StartsWith("220 ", all);
        Assert.EndsWith("\r\n250 OK\r\n250 OK\r\n", all);
    }

    [Fact]
    public async Task Error_RealBehavior_ClientsReportTheInjectedCodeAndTheErrorTakesOnlyItsCommandsPlace()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Smtp(), smtp.EndPoint);
        var error = Exports.Behavior(typeof(ErrorOptions).Assembly, "error");
        proxy.SetBehavior(error, new ErrorOptions());

        var thrown = await Assert.ThrowsAsync<SmtpException>(() => SendWithSmtpClientAsync(proxy.EndPoint, "hello\r\n"));
        output.WriteLine($"SmtpClient: {thrown.GetType().Name} {(int)thrown.StatusCode}: {thrown.Message}");
        Assert.Equal((SmtpStatusCode)451, thrown.StatusCode);
        Assert.Contains("4.3.0 Vaurien injected error", thrown.Message);

        var printed = await RunSmtplibAsync(proxy.EndPoint, "Subject: x\r\n\r\nhello\r\n");
        output.WriteLine($"smtplib: {printed}");
        Assert.Equal("SMTPHeloError 451 4.3.0 Vaurien injected error", printed);

        // On one raw connection: the error takes MAIL's place, the server never saw it, the session goes on.
        using var dialog = await SmtpDialog.ConnectAsync(proxy.EndPoint);
        proxy.ClearBehaviors();
        Assert.StartsWith("250", await dialog.CommandAsync("EHLO client.example"));
        proxy.SetBehavior(error, new ErrorOptions());
        Assert.Equal("451 4.3.0 Vaurien injected error\r\n", await dialog.CommandAsync("MAIL FROM:<a@example.com>"));
        proxy.ClearBehaviors();
        Assert.Equal("250 OK\r\n", await dialog.CommandAsync("RSET"));
        Assert.Equal("250 OK\r\n", await dialog.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.Equal("250 OK\r\n", await dialog.CommandAsync("RCPT TO:<b@example.com>"));
        await AssertStoredAsync(dialog, "after the error");
    }

    [Fact]
    public async Task Error_InPlaceOfData_NoBodyFollowsAndTheServerKeepsTheTransaction()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Smtp(), smtp.EndPoint);
        using var dialog = await SmtpDialog.ConnectAsync(proxy.EndPoint);
        Assert.StartsWith("250", await dialog.CommandAsync("EHLO client.example"));
        Assert.Equal("250 OK\r\n", await dialog.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.Equal("250 OK\r\n", await dialog.CommandAsync("RCPT TO:<b@example.com>"));

        proxy.SetBehavior(Exports.Behavior(typeof(ErrorOptions).Assembly, "error"), new ErrorOptions());
        Assert.Equal("451 4.3.0 Vaurien injected error\r\n", await dialog.CommandAsync("DATA"));
        proxy.ClearBehaviors();

        // The server never saw DATA: it still reads commands, and its envelope is the client's.
        Assert.Equal("250 OK\r\n", await dialog.CommandAsync("NOOP"));
        await AssertStoredAsync(dialog, "second try");
    }

    [Fact]
    public async Task Error_CodeOption_SmtplibRaisesSenderRefusedWithThatCode()
    {
        var options = new LoopbackProxyOptions { ProtocolOptions = new SmtpOptions { ErrorCode = 550, ErrorMessage = "5.7.1 go away" } };
        await using var proxy = await LoopbackProxy.StartAsync(Smtp(), smtp.EndPoint, options);

        // The first exchange (EHLO) passes; MAIL gets the error.
        proxy.SetBehavior(Exports.Behavior(typeof(ErrorOptions).Assembly, "error"), new ErrorOptions { Warmup = 1 });
        var printed = await RunSmtplibAsync(proxy.EndPoint, "Subject: x\r\n\r\nhello\r\n");

        Assert.Equal("SMTPSenderRefused 550 5.7.1 go away", printed);
    }

    [Fact]
    public async Task Delay_EightCommandsSentInPieces_AreEachDelayedOnce()
    {
        const int Count = 8;
        const double Sleep = 0.2;
        await using var proxy = await LoopbackProxy.StartAsync(Smtp(), smtp.EndPoint);
        using var dialog = await SmtpDialog.ConnectAsync(proxy.EndPoint);
        proxy.SetBehavior(Exports.Behavior(typeof(DelayOptions).Assembly, "delay"), new DelayOptions { Sleep = Sleep });

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Count; i++)
        {
            // Traffic shaping, not synchronisation: each command leaves in three separate sends a little apart, so
            // the proxy reads it in pieces, and must still delay it once.
            foreach (var piece in new[] { "NO", "OP", "\r\n" })
            {
                await dialog.SendAsync(piece);
                await Task.Delay(10);
            }

            Assert.Equal("250 OK\r\n", await dialog.ReplyAsync());
        }

        watch.Stop();

        TimingCollection.AssertEachDelayedOnce(watch.Elapsed, Count, Sleep);
    }

    [Fact]
    public async Task Transient_AgitateTwo_FailsTheFirstTwoCommandsThenWorks()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Smtp(), smtp.EndPoint);
        using var dialog = await SmtpDialog.ConnectAsync(proxy.EndPoint);
        proxy.SetBehavior(Exports.Behavior(typeof(TransientOptions).Assembly, "transient"), new TransientOptions { Agitate = 2 });

        Assert.Equal("451 4.3.0 Vaurien injected error\r\n", await dialog.CommandAsync("EHLO client.example"));
        Assert.Equal("451 4.3.0 Vaurien injected error\r\n", await dialog.CommandAsync("EHLO client.example"));
        Assert.StartsWith("250-", await dialog.CommandAsync("EHLO client.example"));
        Assert.Equal("250 OK\r\n", await dialog.CommandAsync("NOOP"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Line_BeyondMaxLine_ClosesCleanlyWithAFin(bool endsWithLineFeed)
    {
        var options = new LoopbackProxyOptions { ProtocolOptions = new SmtpOptions { MaxLine = 1024 } };
        await using var proxy = await LoopbackProxy.StartAsync(Smtp(), smtp.EndPoint, options);
        using var dialog = await SmtpDialog.ConnectAsync(proxy.EndPoint);
        proxy.SetBehavior(new DelegateBehavior());

        await dialog.SendAsync("NOOP " + new string('a', 4096) + (endsWithLineFeed ? "\r\n" : ""));

        // The end of stream with nothing before it: a FIN (a reset would throw a SocketException instead).
        var closed = await Assert.ThrowsAsync<EndOfStreamException>(() => dialog.ReplyAsync());
        Assert.Contains("received \"\"", closed.Message);

        // The proxy still serves the next client.
        using var next = await SmtpDialog.ConnectAsync(proxy.EndPoint);
        Assert.Equal("250 OK\r\n", await next.CommandAsync("NOOP"));
    }

    // DATA with a one-line body in the dialog's open transaction: the server stores exactly that body.
    private async Task AssertStoredAsync(SmtpDialog dialog, string line)
    {
        Assert.StartsWith("354", await dialog.CommandAsync("DATA"));
        var token = Guid.NewGuid().ToString("N");
        Assert.Equal("250 OK\r\n", await dialog.CommandAsync($"Subject: {token}\r\n\r\n{line}\r\n."));
        Assert.Equal(line + "\n", Encoding.ASCII.GetString(smtp.StoredBody(token)));
    }

    // Pass-through (the fast path), or every command an exchange through a behavior that does nothing.
    private async Task<LoopbackProxy> StartProxyAsync(bool framed)
    {
        var proxy = await LoopbackProxy.StartAsync(Smtp(), smtp.EndPoint);
        if (framed)
        {
            proxy.SetBehavior(new DelegateBehavior());
        }

        return proxy;
    }

    // EHLO, MAIL, RCPT and DATA in one send (RFC 2920), then the body, then QUIT; everything the client receives.
    private static async Task<string> PipelinedSessionAsync(IPEndPoint endPoint)
    {
        using var dialog = await SmtpDialog.ConnectAsync(endPoint);
        await dialog.SendAsync("EHLO client.example\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n");
        var replies = new StringBuilder(dialog.Greeting);
        for (var i = 0; i < 4; i++)
        {
            replies.Append(await dialog.ReplyAsync());
        }

        await dialog.SendAsync($"Subject: pipelined {Guid.NewGuid():N}\r\n\r\n..dot\r\n.\r\nQUIT\r\n");
        replies.Append(await dialog.ReplyAsync());
        replies.Append(await dialog.ReplyAsync());
        return replies.ToString();
    }

    // A body over 1 MiB whose lines start with dots, a lone dot among them, all under SMTP's 1000-byte line limit.
    private static string DottedBody()
    {
        var body = new StringBuilder();
        for (var i = 0; body.Length < (1 << 20) * 11 / 10; i++)
        {
            body.Append((i % 4) switch
            {
                0 => $".leading dot {i}",
                1 => ".",
                2 => $"..two dots {i} " + new string('x', i % 200),
                _ => $"plain line {i} " + new string('y', i % 900),
            });
            body.Append("\r\n");
        }

        return body.ToString();
    }

    private async Task<byte[]> SendWithSmtplibAsync(IPEndPoint endPoint, string body)
    {
        var token = Guid.NewGuid().ToString("N");
        Assert.Equal("sent", await RunSmtplibAsync(endPoint, $"Subject: {token}\r\nMessage-ID: <{token}@example.com>\r\n\r\n{body}"));
        return smtp.StoredBody(token);
    }

    private async Task<byte[]> SendWithSmtpClientAsync(IPEndPoint endPoint, string body)
    {
        var token = Guid.NewGuid().ToString("N");
        using var client = new SmtpClient(endPoint.Address.ToString(), endPoint.Port) { DeliveryMethod = SmtpDeliveryMethod.Network, Timeout = (int)TestTimeouts.Network.TotalMilliseconds };
        using var message = new MailMessage("from@example.com", "to@example.com", token, body);
        using var cts = new CancellationTokenSource(TestTimeouts.Network);
        await client.SendMailAsync(message, cts.Token);
        return smtp.StoredBody(token);
    }

    // Runs smtplib (Debian's python3) with the message in a temporary file; returns what it printed.
    private static async Task<string> RunSmtplibAsync(IPEndPoint endPoint, string message)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, message, Encoding.ASCII);
            var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "-c", SendWithSmtplib, endPoint.Address.ToString(), endPoint.Port.ToString(), file })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
            using var cts = new CancellationTokenSource(TestTimeouts.Network);
            try
            {
                var output = process.StandardOutput.ReadToEndAsync(cts.Token);
                var errors = process.StandardError.ReadToEndAsync(cts.Token);
                await process.WaitForExitAsync(cts.Token);
                Assert.True(process.ExitCode == 0, $"smtplib failed: {await errors}");
                return (await output).Trim();
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("smtplib did not finish in time.");
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
