namespace Vaurien.Behaviors;

/// <summary>
/// Vaurien's <c>delay</c>: waits <see cref="DelayOptions.Sleep"/> seconds on the context's clock, before the backend
/// is called or, with <see cref="DelayOptions.Before"/> false, after the response. The wait ends early when the
/// connection closes.
/// </summary>
[ExportBehavior("delay", Description = "Adds a delay before or after the backend is called.")]
internal sealed class Delay : Behavior<DelayOptions>
{
    protected override ValueTask OnBeforeHandle(BehaviorContext context, DelayOptions options) =>
        options.Before ? Wait(context, options) : ValueTask.CompletedTask;

    protected override ValueTask OnAfterHandle(BehaviorContext context, DelayOptions options) =>
        options.Before ? ValueTask.CompletedTask : Wait(context, options);

    private static ValueTask Wait(BehaviorContext context, DelayOptions options) =>
        options.Sleep > 0 ? context.DelayAsync(TimeSpan.FromSeconds(options.Sleep)) : ValueTask.CompletedTask;
}
