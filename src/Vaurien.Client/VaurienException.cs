using System.Net;

namespace Vaurien.Client;

/// <summary>
/// The control API refused a request or could not be reached. <see cref="Exception.Message"/> is the server's
/// message; <see cref="Errors"/> has each problem it reported.
/// </summary>
public class VaurienException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public VaurienException()
        : this("The Vaurien control API request failed.")
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> and no server errors.</summary>
    public VaurienException(string message)
        : this(message, [], null)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public VaurienException(string message, Exception innerException)
        : this(message, [], null, innerException)
    {
    }

    /// <summary>Creates an exception for a response of the control API.</summary>
    /// <param name="message">The server's message.</param>
    /// <param name="errors">Each problem the server reported.</param>
    /// <param name="statusCode">The response's status code, or null when no response came.</param>
    /// <param name="innerException">The cause, if any.</param>
    public VaurienException(string message, IReadOnlyList<VaurienError> errors, HttpStatusCode? statusCode, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Errors = errors;
        StatusCode = statusCode;
    }

    /// <summary>Each problem the server reported; empty when it reported none (or was not reached).</summary>
    public IReadOnlyList<VaurienError> Errors { get; }

    /// <summary>The status code of the response, or null when no response came.</summary>
    public HttpStatusCode? StatusCode { get; }
}
