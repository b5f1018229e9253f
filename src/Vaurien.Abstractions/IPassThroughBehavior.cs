namespace Vaurien;

/// <summary>
/// Marks a behavior that never acts on an exchange (like <c>dummy</c>). While only such behaviors are set, the host
/// skips their hooks and protocols may forward bytes without framing them: the fast path.
/// </summary>
public interface IPassThroughBehavior : IBehavior
{
}
