using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Vaurien;

namespace My.Namespace;

/// <summary>
/// The <c>super</c> protocol: line-based text, as many small TCP services speak it. Every line, either way, is one
/// exchange the behaviors see; the protocol's native error is an <c>ERR &lt;message&gt;</c> line to the client.
/// </summary>
/// <remarks>
/// <code>
/// client ──line──▶ BeginExchangeAsync(ToBackend) ── Forward ──▶ backend
///                                                └─ Answered: an ERR line went to the client; the line is dropped
///                                                └─ Stop: the connection is ending; return
/// client ◀──line── BeginExchangeAsync(ToClient)  ◀──────────── backend
/// </code>
/// Both directions run at once; each passes its end of stream on (half-close) and the other keeps going. While only
/// pass-through behaviors are set (<see cref="ProtocolConnection.IsPassThrough"/>), bytes go through unframed.
/// </remarks>
[ExportProtocol("super", Description = "A line-based text protocol: every line is one exchange; errors are ERR lines.")]
internal sealed class SuperProtocol : Protocol<SuperProtocolOptions>
{
    private const string DefaultError = "backend unavailable";

    // This protocol's key in ConnectionInfo.Items: per-connection state lives there, never in fields.
    private static readonly object ClientWriterKey = new();

    protected override async Task RunAsync(ProtocolConnection connection, SuperProtocolOptions options)
    {
        using var toClient = new SerialWriter(connection.Client.Output);
        using var toBackend = new SerialWriter(connection.Backend.Output);
        connection.Info.Items[ClientWriterKey] = toClient;
        try
        {
            var requests = RelayAsync(connection, connection.Client.Input, toBackend, Direction.ToBackend, options);
            var replies = RelayAsync(connection, connection.Backend.Input, toClient, Direction.ToClient, options);

            // A direction that fails must not leave the other one waiting for bytes that never come.
            if ((await Task.WhenAny(requests, replies)).IsFaulted)
            {
                connection.Client.Input.CancelPendingRead();
                connection.Backend.Input.CancelPendingRead();
            }

            await Task.WhenAll(requests, replies);
        }
        finally
        {
            connection.Info.Items.Remove(ClientWriterKey);
        }
    }

    protected override async ValueTask WriteErrorAsync(ProtocolConnection connection, BehaviorContext exchange, string? message, SuperProtocolOptions options)
    {
        // One line whatever the behavior asked for: a line break in the text would end the line early.
        var text = string.IsNullOrWhiteSpace(message) ? DefaultError : message.ReplaceLineEndings(" ");
        var line = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes($"ERR {text}\n"));
        if (connection.Info.Items.TryGetValue(ClientWriterKey, out var writer) && writer is SerialWriter toClient)
        {
            await toClient.WriteAsync(line, connection.Closed);
        }
    }

    private static async Task RelayAsync(ProtocolConnection connection, PipeReader input, SerialWriter output, Direction direction, SuperProtocolOptions options)
    {
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(connection.Closed);
                if (result.IsCanceled)
                {
                    // The host woke us up: the connection is ending.
                    return;
                }

                var buffer = result.Buffer;
                var goOn = true;
                if (connection.IsPassThrough)
                {
                    // The fast path: nothing can act on an exchange now, so the bytes go as they are, lines or not.
                    goOn = await output.WriteAsync(buffer, connection.Closed);
                    buffer = buffer.Slice(buffer.End);
                }
                else
                {
                    while (goOn && LineFraming.TryTakeLine(ref buffer, options.MaxLineLength, result.IsCompleted, out var line))
                    {
                        goOn = await ExchangeAsync(connection, direction, line, output);
                    }
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (!goOn)
                {
                    return;
                }

                if (result.IsCompleted)
                {
                    // End of stream: pass it on; the other direction stays open until its own end.
                    await output.CompleteAsync(connection.Closed);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (connection.Closed.IsCancellationRequested)
        {
            // The connection ended (a behavior, a timeout or the other side closed it): nothing more to relay.
        }
    }

    /// <summary>One line through the behaviors; false when relaying must stop.</summary>
    private static async ValueTask<bool> ExchangeAsync(ProtocolConnection connection, Direction direction, ReadOnlySequence<byte> line, SerialWriter output)
    {
        var command = direction == Direction.ToBackend ? LineFraming.CommandOf(line) : null;
        var exchange = await connection.BeginExchangeAsync(direction, line, command);
        if (exchange.Outcome == ExchangeOutcome.Stop)
        {
            return false;
        }

        // Answered: the behavior's ERR line already went to the client, and this line goes nowhere.
        if (exchange.Outcome == ExchangeOutcome.Forward && !await output.WriteAsync(exchange.Data, connection.Closed))
        {
            return false;
        }

        return await exchange.CompleteAsync() != ExchangeOutcome.Stop;
    }
}
