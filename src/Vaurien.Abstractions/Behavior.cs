namespace Vaurien;

/// <summary>
/// Base class for a behavior with typed options. <typeparamref name="TOptions"/> is the single declaration of
/// the behavior's options: every property marked with <see cref="OptionAttribute"/> becomes a CLI flag, a TOML
/// key and a control-API field.
/// </summary>
/// <typeparam name="TOptions">A class with a public parameterless constructor; property initializers are the defaults.</typeparam>
public abstract class Behavior<TOptions> : IBehavior
    where TOptions : class, new()
{
    /// <summary>Runs before the exchange's data is forwarded. Does nothing unless overridden.</summary>
    protected virtual ValueTask OnBeforeHandle(BehaviorContext context, TOptions options) => ValueTask.CompletedTask;

    /// <summary>Runs after the exchange was forwarded. Does nothing unless overridden.</summary>
    protected virtual ValueTask OnAfterHandle(BehaviorContext context, TOptions options) => ValueTask.CompletedTask;

    ValueTask IBehavior.OnBeforeHandle(BehaviorContext context) => OnBeforeHandle(context, OptionsOf(context));

    ValueTask IBehavior.OnAfterHandle(BehaviorContext context) => OnAfterHandle(context, OptionsOf(context));

    private static TOptions OptionsOf(BehaviorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Options as TOptions ?? new TOptions();
    }
}
