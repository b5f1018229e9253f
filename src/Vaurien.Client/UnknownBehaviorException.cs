using System.Net;

namespace Vaurien.Client;

/// <summary>
/// The control API does not know the behavior a request named (or refused the name itself). The message is the
/// server's, which lists the valid behaviors.
/// </summary>
public sealed class UnknownBehaviorException : VaurienException
{
    /// <summary>Creates an exception for <paramref name="behaviorName"/>.</summary>
    /// <param name="behaviorName">The name that was sent.</param>
    /// <param name="message">The server's message.</param>
    /// <param name="errors">Each problem the server reported.</param>
    /// <param name="statusCode">The response's status code.</param>
    public UnknownBehaviorException(string behaviorName, string message, IReadOnlyList<VaurienError> errors, HttpStatusCode? statusCode)
        : base(message, errors, statusCode)
    {
        BehaviorName = behaviorName;
    }

    /// <summary>The behavior name the request sent.</summary>
    public string BehaviorName { get; }
}
