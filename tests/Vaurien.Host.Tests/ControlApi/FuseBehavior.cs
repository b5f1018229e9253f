namespace Vaurien.Host.ControlApi.Tests;

internal sealed class FuseBehavior : Behavior<FuseOptions>
{
}
