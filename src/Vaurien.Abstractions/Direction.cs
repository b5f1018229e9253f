namespace Vaurien;

/// <summary>Which way the bytes of an exchange travel.</summary>
public enum Direction
{
    /// <summary>From the client to the backend (a request). Vaurien's <c>to_backend=True</c>.</summary>
    ToBackend,

    /// <summary>From the backend to the client (a response). Vaurien's <c>to_backend=False</c>.</summary>
    ToClient,
}
