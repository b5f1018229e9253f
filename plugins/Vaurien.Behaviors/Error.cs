namespace Vaurien.Behaviors;

/// <summary>
/// Vaurien's <c>error</c>: after <see cref="ErrorOptions.Warmup"/> calls, answers every exchange with the protocol's
/// native error (an HTTP 5xx, a RESP <c>-ERR</c>, random bytes for tcp) instead of calling the backend, or, with
/// <see cref="ErrorOptions.Inject"/>, corrupts the backend's data with random bytes.
/// </summary>
[ExportBehavior("error", Description = "Reads the packets that have been sent then sends back errors.")]
internal sealed class Error : Behavior<ErrorOptions>
{
    protected override ValueTask OnBeforeHandle(BehaviorContext context, ErrorOptions options) =>
        context.CallNumber <= options.Warmup ? ValueTask.CompletedTask : ErrorReply.SendAsync(context, options.Inject);
}
