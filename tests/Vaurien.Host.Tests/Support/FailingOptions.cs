namespace Vaurien.Host.Tests.Support;

public sealed record FailingOptions
{
    [Option("Calls before erroring out. Defaults to 0.", Min = 0)]
    public int Warmup { get; init; }

    [Option("Status codes to answer with. Defaults to 500, 503.", Min = 100, Max = 599)]
    public int[] Codes { get; init; } = [500, 503];

    [Option("Which kind of failure. Defaults to soft.")]
    public FailureMode Mode { get; init; } = FailureMode.Soft;
}
