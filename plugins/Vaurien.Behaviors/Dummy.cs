namespace Vaurien.Behaviors;

/// <summary>
/// Vaurien's <c>dummy</c>: lets every exchange through untouched. The smallest complete behavior; being a
/// pass-through, the host skips its hooks and protocols may forward without framing.
/// </summary>
[ExportBehavior("dummy", Description = "Transparent behavior: nothing is done.")]
internal sealed class Dummy : Behavior<NoOptions>, IPassThroughBehavior
{
}
