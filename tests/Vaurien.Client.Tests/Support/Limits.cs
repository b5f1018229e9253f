namespace Vaurien.Client.Tests.Support;

/// <summary>The deadlines every network wait in these tests runs under.</summary>
internal static class Limits
{
    /// <summary>One test's whole network activity.</summary>
    public static readonly TimeSpan Test = TimeSpan.FromSeconds(60);

    /// <summary>A CancellationToken that fires after <see cref="Test"/>.</summary>
    public static CancellationTokenSource TestDeadline() => new(Test);
}
