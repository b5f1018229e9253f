namespace Vaurien.Behaviors;

/// <summary>
/// Vaurien's <c>hang</c>: takes the request and never answers, holding the connection open until the client gives up
/// or the proxy's timeout ends it.
/// </summary>
[ExportBehavior("hang", Description = "Reads the packets that have been sent then hangs.")]
internal sealed class Hang : Behavior<NoOptions>
{
    protected override ValueTask OnBeforeHandle(BehaviorContext context, NoOptions options) => context.HangAsync();
}
