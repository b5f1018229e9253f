namespace Vaurien.Behaviors;

/// <summary>Vaurien's <c>blackout</c>: closes the connection (FIN) before anything reaches the backend.</summary>
[ExportBehavior("blackout", Description = "Closes the client connection without calling the backend.")]
internal sealed class Blackout : Behavior<NoOptions>
{
    protected override ValueTask OnBeforeHandle(BehaviorContext context, NoOptions options)
    {
        context.Close();
        return ValueTask.CompletedTask;
    }
}
