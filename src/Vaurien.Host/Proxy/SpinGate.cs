namespace Vaurien.Host.Proxy;

/// <summary>
/// A mutual-exclusion gate in one <see cref="int"/>, for critical sections of a few field writes that never block or
/// call out: a <see cref="Lock"/> object would cost every idle connection 48 bytes per gate.
/// </summary>
/// <remarks>Use as <c>using (SpinGate.Enter(ref _gate)) { ... }</c>; not re-entrant.</remarks>
internal ref struct SpinGate
{
    private ref int _state;

    private SpinGate(ref int state) => _state = ref state;

    public static SpinGate Enter(ref int state)
    {
        if (Interlocked.CompareExchange(ref state, 1, 0) != 0)
        {
            var spin = default(SpinWait);
            while (Interlocked.CompareExchange(ref state, 1, 0) != 0)
            {
                spin.SpinOnce();
            }
        }

        return new SpinGate(ref state);
    }

    public readonly void Dispose() => Volatile.Write(ref _state, 0);
}
