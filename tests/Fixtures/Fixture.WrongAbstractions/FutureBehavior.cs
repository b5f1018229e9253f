using Vaurien;

namespace Fixture.WrongAbstractions;

/// <summary>A behavior compiled against a contract of another major version.</summary>
[ExportBehavior("future")]
internal sealed class FutureBehavior : IBehavior
{
    public ValueTask OnBeforeHandle(BehaviorContext context) => ValueTask.CompletedTask;

    public ValueTask OnAfterHandle(BehaviorContext context) => ValueTask.CompletedTask;
}
