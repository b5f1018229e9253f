namespace Vaurien;

/// <summary>
/// Changes how an exchange goes through the proxy: waits, answers with the protocol's error, closes,
/// resets, hangs, or lets it pass. Export an implementation with <see cref="ExportBehaviorAttribute"/>.
/// </summary>
/// <remarks>
/// One instance serves every connection of a proxy, concurrently: keep per-connection state in
/// <see cref="ConnectionInfo.Items"/>, never in fields. Options arrive through
/// <see cref="BehaviorContext.Options"/>; derive from <see cref="Behavior{TOptions}"/> to declare them.
/// </remarks>
public interface IBehavior
{
    /// <summary>Runs before the exchange's data is forwarded (before the backend is called, for a request).</summary>
    ValueTask OnBeforeHandle(BehaviorContext context);

    /// <summary>Runs after the exchange was forwarded (after the response reached the client, where the protocol frames responses).</summary>
    ValueTask OnAfterHandle(BehaviorContext context);
}
