namespace Vaurien.Host.Tests.Support;

internal sealed class PassBehavior : Behavior<NoOptions>, IPassThroughBehavior
{
}
