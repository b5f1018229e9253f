using Fixture.MissingDependency.Library;
using Vaurien;

namespace Fixture.MissingDependency;

/// <summary>A behavior that needs its library only inside a method body, so the type itself loads without it.</summary>
[ExportBehavior("greeting")]
internal sealed class GreetingBehavior : IBehavior
{
    public ValueTask OnBeforeHandle(BehaviorContext context) => context.ReplyWithErrorAsync(Greeting.Text);

    public ValueTask OnAfterHandle(BehaviorContext context) => ValueTask.CompletedTask;
}
