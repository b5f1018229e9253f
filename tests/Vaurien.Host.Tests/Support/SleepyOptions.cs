namespace Vaurien.Host.Tests.Support;

public sealed record SleepyOptions
{
    [Option("Delay in seconds. Defaults to 1.", Min = 0, Max = 3600)]
    public double Sleep { get; init; } = 1;

    [Option("Delay before the backend is called. Defaults to true.")]
    public bool Before { get; init; } = true;
}
