namespace Vaurien.Host.Tests.Support;

internal sealed class FailingBehavior : Behavior<FailingOptions>
{
}
