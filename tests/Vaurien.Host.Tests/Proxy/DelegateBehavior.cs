namespace Vaurien.Host.Proxy.Tests;

/// <summary>A behavior made of lambdas, for tests. It is not a pass-through, so with it set every read is an exchange.</summary>
internal sealed class DelegateBehavior(Func<BehaviorContext, ValueTask>? before = null, Func<BehaviorContext, ValueTask>? after = null) : IBehavior
{
    /// <summary>Acts on requests only; responses pass.</summary>
    public static DelegateBehavior OnRequests(Func<BehaviorContext, ValueTask> action) =>
        new(context => context.Direction == Direction.ToBackend ? action(context) : ValueTask.CompletedTask);

    public ValueTask OnBeforeHandle(BehaviorContext context) => before?.Invoke(context) ?? ValueTask.CompletedTask;

    public ValueTask OnAfterHandle(BehaviorContext context) => after?.Invoke(context) ?? ValueTask.CompletedTask;
}
