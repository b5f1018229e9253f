using System.Buffers;
using System.Globalization;
using System.Text;

namespace Vaurien.Protocols;

/// <summary>
/// Vaurien's <c>smtp</c> (RFC 5321): the server's greeting is relayed, then each client command is one exchange,
/// answered by one complete reply; an injected error is an SMTP reply with the configured 4xx/5xx code.
/// </summary>
/// <remarks>
/// <code>
/// client.Input --frame command line--&gt; exchange --&gt; backend.Output   one command at a time, in order: pipelined
/// client.Output &lt;--frame one reply----- backend.Input                commands keep their order, errors their place
/// </code>
/// DATA is one exchange from the command to the final reply: the 354, the body (streamed as it comes, dot-stuffing
/// untouched, up to CRLF.CRLF) and the reply that accepts it. A behavior acts on the DATA line, so a body is never
/// cut or delayed on its own, and an error can only take the 354's place, before any body byte: the client then
/// sends no body and the server never holds half a message. BDAT size [LAST] is one exchange with its chunk; an
/// error in its place drops the chunk the client sends anyway and, if earlier chunks reached the server, sends it
/// the RSET that cancels them (RFC 3030: a failed BDAT fails the transaction). AUTH's 334 challenges and the
/// client's answers belong to AUTH's exchange. After STARTTLS's 220 or QUIT's 221 the rest goes through unframed.
/// An error in place of MAIL or RCPT leaves the server as if the command had failed, as the client believes.
/// A line (or reply) longer than <c>max_line</c>, or a reply that is not SMTP, closes the connection (FIN).
/// In pass-through (only <c>dummy</c> set) pipelined one-line commands go on together and their replies follow in
/// order, as with redis; DATA, BDAT, AUTH, STARTTLS and QUIT still wait for the replies before them.
/// Half-close: the client's end of stream goes to the backend after the replies in flight, and the backend's
/// remaining bytes follow until its own end. A body ends where the server's does, at a "." line after a CRLF; a
/// server that also ends one at a bare LF would get out of step with the proxy (and is open to SMTP smuggling).
/// <c>reuse_socket</c> does not suit SMTP: a server greets once per connection, so a reused one never greets the
/// next client, and the session it is in is the last client's.
/// </remarks>
[ExportProtocol("smtp", Description = "SMTP: the greeting is relayed, then one command (DATA with its body) is one exchange, answered by one reply; errors are SMTP 4xx/5xx replies.")]
internal sealed class Smtp : Protocol<SmtpOptions>
{
    protected override Task RunAsync(ProtocolConnection connection, SmtpOptions options) => new SmtpSession(connection, options).RunAsync();

    protected override async ValueTask WriteErrorAsync(ProtocolConnection connection, BehaviorContext exchange, string? message, SmtpOptions options)
    {
        // Commands are handled one at a time, so nothing else writes to the client meanwhile. A line break would
        // end the reply early and leave the rest for the client to read as the next reply.
        var text = (message ?? options.ErrorMessage).Replace('\r', ' ').Replace('\n', ' ');
        var code = Math.Clamp(options.ErrorCode, 400, 599);
        var output = connection.Client.Output;
        output.Write(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{code} {text}\r\n")));
        await output.FlushAsync();
    }
}
