using Vaurien;

namespace My.Namespace;

/// <summary>
/// The <c>super</c> behavior: delays every request by <see cref="SuperBehaviorOptions.LatencyMs"/>, then answers
/// <see cref="SuperBehaviorOptions.ErrorPercent"/>% of them with the protocol's native error (an HTTP 5xx, a RESP
/// <c>-ERR</c>, random bytes for tcp) instead of calling the backend. Responses pass untouched.
/// </summary>
/// <remarks>
/// One instance serves every connection at once: keep nothing per connection in fields (use
/// <c>context.Connection.Items</c>), take time and randomness from the context, and let every wait end when the
/// connection closes.
/// </remarks>
[ExportBehavior("super", Description = "Adds latency to every request and fails a share of them with the protocol's native error.")]
internal sealed class SuperBehavior : Behavior<SuperBehaviorOptions>
{
    protected override async ValueTask OnBeforeHandle(BehaviorContext context, SuperBehaviorOptions options)
    {
        // For tcp an exchange is one read, either way: act on requests only.
        if (context.Direction != Direction.ToBackend)
        {
            return;
        }

        if (options.LatencyMs > 0)
        {
            // On the host's clock (tests drive it); returns early, without throwing, when the connection closes.
            await context.DelayAsync(TimeSpan.FromMilliseconds(options.LatencyMs));
            if (context.ConnectionClosed.IsCancellationRequested)
            {
                return;
            }
        }

        // The host's random source, so a run with --seed can be replayed.
        if (context.Random.NextDouble() * 100 < options.ErrorPercent)
        {
            await context.ReplyWithErrorAsync(options.ErrorMessage);
        }
    }
}
