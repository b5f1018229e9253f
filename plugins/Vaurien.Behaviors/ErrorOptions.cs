namespace Vaurien.Behaviors;

/// <summary>The options of the <c>error</c> behavior.</summary>
public sealed record ErrorOptions
{
    /// <summary>True to inject random bytes inside the backend's valid data instead of answering with an error. Defaults to false.</summary>
    [Option("If true, 100 random bytes are injected in the middle of the data coming back from the backend instead of answering with an error; ignored for http. Defaults to false.")]
    public bool Inject { get; init; }

    /// <summary>How many calls go through untouched before erroring out. Defaults to 0.</summary>
    [Option("Number of calls let through before erroring out, counted across connections from when the behavior was set. Defaults to 0.", Min = 0)]
    public int Warmup { get; init; }
}
