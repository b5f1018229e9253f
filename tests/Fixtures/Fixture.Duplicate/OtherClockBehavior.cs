using Vaurien;

namespace Fixture.Duplicate;

/// <summary>Exports the name Fixture.Services already exports.</summary>
[ExportBehavior("clock", Description = "A second behavior named clock.")]
internal sealed class OtherClockBehavior : IBehavior
{
    public ValueTask OnBeforeHandle(BehaviorContext context) => ValueTask.CompletedTask;

    public ValueTask OnAfterHandle(BehaviorContext context) => ValueTask.CompletedTask;
}
