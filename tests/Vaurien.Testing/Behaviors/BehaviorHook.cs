namespace Vaurien.Testing.Behaviors;

/// <summary>Which hook a <see cref="TestBehaviorContext"/> is running, to refuse actions the host allows only in one of them.</summary>
public enum BehaviorHook
{
    /// <summary>The test called a hook itself: no action is refused.</summary>
    None,

    /// <summary>Inside <see cref="IBehavior.OnBeforeHandle"/>.</summary>
    BeforeHandle,

    /// <summary>Inside <see cref="IBehavior.OnAfterHandle"/>.</summary>
    AfterHandle,
}
