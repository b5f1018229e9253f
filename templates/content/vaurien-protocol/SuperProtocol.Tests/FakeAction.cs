namespace My.Namespace.Tests;

/// <summary>What <see cref="FakeProtocolConnection"/>'s policy does with an exchange, as a behavior would.</summary>
internal enum FakeAction
{
    /// <summary>Let it through.</summary>
    Forward,

    /// <summary>Answer with the protocol's native error (the protocol's <c>WriteErrorAsync</c>).</summary>
    ReplyWithError,

    /// <summary>Close the connection.</summary>
    Close,
}
