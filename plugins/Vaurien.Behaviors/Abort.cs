namespace Vaurien.Behaviors;

/// <summary>
/// Vaurien's <c>abort</c>: resets the connection (RST, linger 0) instead of forwarding the request, so the client sees
/// "connection reset by peer".
/// </summary>
[ExportBehavior("abort", Description = "Reads the packets that have been sent then aborts the connection (RST).")]
internal sealed class Abort : Behavior<NoOptions>
{
    protected override ValueTask OnBeforeHandle(BehaviorContext context, NoOptions options)
    {
        context.Reset();
        return ValueTask.CompletedTask;
    }
}
