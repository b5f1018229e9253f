namespace Vaurien.Protocols;

/// <summary>The two directions of a relayed connection, run together and ended together.</summary>
internal static class Duplex
{
    /// <summary>
    /// Awaits both pumps. A pump that fails must not leave the other one waiting for bytes that never come, so the
    /// first failure cancels every pending read and flush; the other pump is always awaited.
    /// </summary>
    public static async Task WhenBothAsync(ProtocolConnection connection, Task toBackend, Task toClient)
    {
        var first = await Task.WhenAny(toBackend, toClient);
        if (first.IsFaulted)
        {
            connection.Client.Input.CancelPendingRead();
            connection.Backend.Input.CancelPendingRead();
            connection.Client.Output.CancelPendingFlush();
            connection.Backend.Output.CancelPendingFlush();
        }

        await Task.WhenAll(toBackend, toClient);
    }
}
