using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Vaurien.Protocols.Framing;

namespace Vaurien.Protocols;

/// <summary>
/// One client connection of the <c>http</c> protocol: its two framers and streams, and the heads it keeps a copy of
/// (the request with its Host rewritten, the response for the behavior's after-hook) in buffers reused per request.
/// </summary>
internal sealed class HttpSession : IDisposable
{
    private readonly ProtocolConnection _connection;
    private readonly HttpFramer _requestFramer;
    private readonly HttpFramer _responseFramer;
    private readonly FrameStream<HttpFramer.Frame> _requests;
    private readonly FrameStream<HttpFramer.Frame> _responses;
    private readonly byte[]? _hostLine;
    private byte[] _requestHead = [];
    private byte[] _responseHead = [];
    private int _responseHeadLength;

    public HttpSession(ProtocolConnection connection, HttpOptions options)
    {
        _connection = connection;
        _requestFramer = new HttpFramer(options.MaxHeader, requests: true);
        _responseFramer = new HttpFramer(options.MaxHeader, requests: false);
        _requests = new FrameStream<HttpFramer.Frame>(connection.Client.Input, (buffer, _) => _requestFramer.Parse(buffer), options.MaxHeader, options.Buffer, connection, "client");
        _responses = new FrameStream<HttpFramer.Frame>(connection.Backend.Input, (buffer, _) => _responseFramer.Parse(buffer), options.MaxHeader, options.Buffer, connection, "backend");
        _hostLine = options.OverwriteHostHeader ? HostLine(connection.Info.BackendEndPoint) : null;
    }

    /// <summary>How a response ended, and so what becomes of the connection.</summary>
    private enum ResponseEnd
    {
        /// <summary>Relayed whole; the next request may follow.</summary>
        Persistent,

        /// <summary>Relayed whole; either side said the connection closes after it.</summary>
        Close,

        /// <summary>Relayed whole; the rest of the connection is another protocol.</summary>
        Tunnel,

        /// <summary>The backend ended its stream, which went on to the client.</summary>
        Ended,

        /// <summary>Cut short, not HTTP, or either side went away.</summary>
        Failed,
    }

    private enum BodyEnd
    {
        Done,
        Ended,
        Failed,
    }

    private ReadOnlySequence<byte> ResponseHead => new(_responseHead, 0, _responseHeadLength);

    public async Task RunAsync()
    {
        var backend = _connection.Backend;
        while (true)
        {
            // Keep-alive: between requests the connection waits here, in this loop's own state machine.
            if (_requests.NeedsData && !_requests.Hold(await _requests.WaitForDataAsync()))
            {
                return;
            }

            var (result, frame, data) = await _requests.NextAsync(wait: true);
            if (result == FrameStream<HttpFramer.Frame>.Result.End)
            {
                await EndAsync();
                return;
            }

            if (result != FrameStream<HttpFramer.Frame>.Result.Frame)
            {
                return;
            }

            var request = frame.Head;
            var head = RewriteHost(data, request);
            Exchange? exchange = null;
            if (!_connection.IsPassThrough)
            {
                exchange = await _connection.BeginExchangeAsync(Direction.ToBackend, head, request.Method);
                if (exchange.Outcome == ExchangeOutcome.Stop)
                {
                    return;
                }

                if (exchange.Outcome == ExchangeOutcome.Answered)
                {
                    // The error said Connection: close. Any request body is left unread: the connection ends here.
                    await exchange.CompleteAsync();
                    return;
                }

                head = exchange.Data;
            }

            Relay.Write(backend.Output, head);
            _requests.Consume();
            var requestBody = request.RequestBody();
            _requestFramer.Expect(requestBody, request.ContentLength);
            if (!await FlushAsync(backend.Output))
            {
                return;
            }

            // The body goes up while the response is awaited: a server may answer early, or first send 100 Continue.
            var upload = requestBody == HttpFramer.Body.None ? null : UploadAsync();

            // Without a body to send, the response is awaited here, in this loop's own state machine: a request does
            // not hold (and allocate, with many in flight) state machines of its own while the backend answers.
            if (upload is null && _responses.NeedsData && !_responses.Hold(await _responses.WaitForDataAsync()))
            {
                return;
            }

            var response = await RelayResponseAsync(request, copyHead: exchange is not null);
            var uploaded = true;
            if (upload is not null)
            {
                if (response is not (ResponseEnd.Persistent or ResponseEnd.Tunnel))
                {
                    // The connection ends with this response: the rest of the request body no longer matters.
                    _connection.Client.Input.CancelPendingRead();
                    backend.Output.CancelPendingFlush();
                }

                uploaded = await upload;
            }

            if (exchange is not null && response != ResponseEnd.Failed && await exchange.CompleteAsync(ResponseHead) == ExchangeOutcome.Stop)
            {
                return;
            }

            if (!uploaded || response is not (ResponseEnd.Persistent or ResponseEnd.Tunnel))
            {
                return;
            }

            if (response == ResponseEnd.Tunnel)
            {
                await TunnelAsync();
                return;
            }
        }
    }

    public void Dispose()
    {
        Return(ref _requestHead);
        Return(ref _responseHead);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ResponseEnd> RelayResponseAsync(HttpHead request, bool copyHead)
    {
        var output = _connection.Client.Output;
        _responseHeadLength = 0;
        while (true)
        {
            var (result, frame, data) = await _responses.NextAsync(wait: true);
            if (result == FrameStream<HttpFramer.Frame>.Result.End)
            {
                // The backend closed instead of answering: what it sent, then its FIN, reach the client.
                _responses.WriteLeftover(output);
                await FlushAsync(output);
                await output.CompleteAsync();
                return ResponseEnd.Ended;
            }

            if (result != FrameStream<HttpFramer.Frame>.Result.Frame)
            {
                return ResponseEnd.Failed;
            }

            var response = frame.Head;
            Relay.Write(output, data);
            if (copyHead)
            {
                _responseHeadLength = (int)data.Length;
                Copy(data, ref _responseHead);
            }

            _responses.Consume();
            var body = response.ResponseBody(request.Method);
            if (body == HttpFramer.Body.Tunnel)
            {
                return await FlushAsync(output) ? ResponseEnd.Tunnel : ResponseEnd.Failed;
            }

            if (response.StatusCode < 200)
            {
                // An interim response (100 Continue, 103 Early Hints) goes on now; the real one follows.
                if (!await FlushAsync(output))
                {
                    return ResponseEnd.Failed;
                }

                continue;
            }

            _responseFramer.Expect(body, response.ContentLength);
            var end = body == HttpFramer.Body.None
                ? await FlushAsync(output) ? BodyEnd.Done : BodyEnd.Failed
                : await RelayBodyAsync(_responses, _responseFramer, output);
            return end switch
            {
                BodyEnd.Done => request.Persistent && response.Persistent ? ResponseEnd.Persistent : ResponseEnd.Close,
                BodyEnd.Ended => ResponseEnd.Ended,
                _ => ResponseEnd.Failed,
            };
        }
    }

    // The request body, piece by piece; if it cannot be finished, the response it waits for is not waited for either.
    private async Task<bool> UploadAsync()
    {
        var end = await RelayBodyAsync(_requests, _requestFramer, _connection.Backend.Output);
        if (end != BodyEnd.Done)
        {
            _connection.Backend.Input.CancelPendingRead();
            _connection.Client.Output.CancelPendingFlush();
        }

        return end == BodyEnd.Done;
    }

    // Relays a body as its pieces come, flushing whenever nothing more is buffered rather than after every piece.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<BodyEnd> RelayBodyAsync(FrameStream<HttpFramer.Frame> input, HttpFramer framer, PipeWriter output)
    {
        while (true)
        {
            var next = await input.NextAsync(wait: false);
            if (next.Result == FrameStream<HttpFramer.Frame>.Result.WouldWait)
            {
                if (!await FlushAsync(output))
                {
                    return BodyEnd.Failed;
                }

                next = await input.NextAsync(wait: true);
            }

            if (next.Result == FrameStream<HttpFramer.Frame>.Result.End && framer.UntilClose)
            {
                // A body delimited by the end of the stream: that end is the response's, and goes on (FIN).
                await FlushAsync(output);
                await output.CompleteAsync();
                return BodyEnd.Ended;
            }

            if (next.Result != FrameStream<HttpFramer.Frame>.Result.Frame)
            {
                return BodyEnd.Failed;
            }

            Relay.Write(output, next.Data);
            input.Consume();
            if (next.Frame.Last)
            {
                return await FlushAsync(output) ? BodyEnd.Done : BodyEnd.Failed;
            }
        }
    }

    // 101 Switching Protocols or a tunnel: what either side already sent past the heads goes first, then bytes as they are.
    private async Task TunnelAsync()
    {
        await Relay.UnframedAsync(_connection, _requests, _responses);
    }

    // The client ended its stream between requests: it goes on to the backend, and what the backend still sends follows.
    private async Task EndAsync()
    {
        await Relay.ClientEndedAsync(_connection, _requests, _responses);
    }

    private ReadOnlySequence<byte> RewriteHost(ReadOnlySequence<byte> head, HttpHead request)
    {
        if (_hostLine is null || request.HostStart < 0)
        {
            return head;
        }

        var hostEnd = request.HostStart + request.HostLength;
        var length = (int)head.Length - request.HostLength + _hostLine.Length;
        Reserve(ref _requestHead, length);
        var target = _requestHead.AsSpan();
        head.Slice(0, request.HostStart).CopyTo(target);
        _hostLine.CopyTo(target[request.HostStart..]);
        head.Slice(hostEnd).CopyTo(target[(request.HostStart + _hostLine.Length)..]);
        return new ReadOnlySequence<byte>(_requestHead, 0, length);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> FlushAsync(PipeWriter output)
    {
        var flush = await output.FlushAsync();
        return !flush.IsCompleted && !flush.IsCanceled;
    }

    private static void Copy(ReadOnlySequence<byte> data, ref byte[] buffer)
    {
        Reserve(ref buffer, (int)data.Length);
        data.CopyTo(buffer);
    }

    // Heads are at most max_header bytes: one pooled buffer per connection and direction serves every request.
    private static void Reserve(ref byte[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            Return(ref buffer);
            buffer = ArrayPool<byte>.Shared.Rent(length);
        }
    }

    private static void Return(ref byte[] buffer)
    {
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        buffer = [];
    }

    // Vaurien writes the backend as it was given, host:port.
    private static byte[]? HostLine(EndPoint? backend) => backend switch
    {
        DnsEndPoint dns => Encoding.ASCII.GetBytes($"Host: {dns.Host}:{dns.Port}\r\n"),
        IPEndPoint ip => Encoding.ASCII.GetBytes($"Host: {ip}\r\n"),
        _ => null,
    };
}
