namespace Vaurien;

/// <summary>What a protocol does with an exchange once the behavior's hook has run.</summary>
public enum ExchangeOutcome
{
    /// <summary>Forward <see cref="Exchange.Data"/> and go on.</summary>
    Forward,

    /// <summary>The client was already answered (with the protocol's error): do not forward; go on with the next exchange.</summary>
    Answered,

    /// <summary>The connection is ending (closed, reset or hung up): stop relaying and return.</summary>
    Stop,
}
