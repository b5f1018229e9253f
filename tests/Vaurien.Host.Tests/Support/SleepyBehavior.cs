namespace Vaurien.Host.Tests.Support;

internal sealed class SleepyBehavior : Behavior<SleepyOptions>
{
}
