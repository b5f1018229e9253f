using Vaurien;

namespace Fixture.Throwing;

/// <summary>A behavior whose constructor throws.</summary>
[ExportBehavior("throwing")]
internal sealed class ThrowingBehavior : IBehavior
{
    public ThrowingBehavior() => throw new InvalidOperationException("The throwing fixture always throws.");

    public ValueTask OnBeforeHandle(BehaviorContext context) => ValueTask.CompletedTask;

    public ValueTask OnAfterHandle(BehaviorContext context) => ValueTask.CompletedTask;
}
