namespace Vaurien.Behaviors;

/// <summary>The options of the <c>transient</c> behavior.</summary>
public sealed record TransientOptions
{
    /// <summary>How many calls fail before calls succeed. Defaults to 1.</summary>
    [Option("Number of calls that fail before calls succeed, counted across connections from when the behavior was set. Defaults to 1.", Min = 0)]
    public int Agitate { get; init; } = 1;

    /// <summary>True to inject random bytes inside the backend's valid data instead of answering with an error. Defaults to false.</summary>
    [Option("If true, failing calls get 100 random bytes injected in the middle of the data coming back from the backend instead of an error; ignored for http. Defaults to false.")]
    public bool Inject { get; init; }
}
