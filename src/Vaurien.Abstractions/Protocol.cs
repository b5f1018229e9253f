namespace Vaurien;

/// <summary>
/// Base class for a protocol with typed options. <typeparamref name="TOptions"/> is the single declaration of the
/// protocol's options; derive it from <see cref="ProtocolOptions"/> to get Vaurien's <c>buffer</c>,
/// <c>keep_alive</c> and <c>reuse_socket</c>.
/// </summary>
/// <typeparam name="TOptions">A class with a public parameterless constructor; property initializers are the defaults.</typeparam>
public abstract class Protocol<TOptions> : IProtocol
    where TOptions : class, new()
{
    /// <summary>Relays the connection; see <see cref="IProtocol.RunAsync"/>.</summary>
    protected abstract Task RunAsync(ProtocolConnection connection, TOptions options);

    /// <summary>Writes the protocol's native error; see <see cref="IProtocol.WriteErrorAsync"/>.</summary>
    protected abstract ValueTask WriteErrorAsync(ProtocolConnection connection, BehaviorContext exchange, string? message, TOptions options);

    Task IProtocol.RunAsync(ProtocolConnection connection) => RunAsync(connection, OptionsOf(connection));

    ValueTask IProtocol.WriteErrorAsync(ProtocolConnection connection, BehaviorContext exchange, string? message) =>
        WriteErrorAsync(connection, exchange, message, OptionsOf(connection));

    private static TOptions OptionsOf(ProtocolConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.Options as TOptions ?? new TOptions();
    }
}
