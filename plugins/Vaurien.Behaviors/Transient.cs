namespace Vaurien.Behaviors;

/// <summary>
/// Vaurien's <c>transient</c>: fails the first <see cref="TransientOptions.Agitate"/> calls as <c>error</c> does, then
/// lets every call through: a backend that recovers. Setting the behavior again starts the count again.
/// </summary>
[ExportBehavior("transient", Description = "Sends errors for the first calls, then works.")]
internal sealed class Transient : Behavior<TransientOptions>
{
    // The count is the activation's (CallNumber), not a field: one instance serves every connection and activation.
    protected override ValueTask OnBeforeHandle(BehaviorContext context, TransientOptions options) =>
        context.CallNumber <= options.Agitate ? ErrorReply.SendAsync(context, options.Inject) : ValueTask.CompletedTask;
}
