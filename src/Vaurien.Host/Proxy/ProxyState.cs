using Vaurien.Host.Configuration;

namespace Vaurien.Host.Proxy;

/// <summary>
/// What can change on a running proxy: the behavior policy and the backend. Readers see a consistent value without
/// locks; a change applies from the next exchange (policy) or the next connection (backend).
/// </summary>
internal sealed class ProxyState(string name, BehaviorPolicy policy, HostPort backend)
{
    private BehaviorPolicy _policy = policy;
    private HostPort _backend = backend;

    public string Name { get; } = name;

    public BehaviorPolicy Policy
    {
        get => Volatile.Read(ref _policy);
        set => Volatile.Write(ref _policy, value ?? throw new ArgumentNullException(nameof(value)));
    }

    public HostPort Backend
    {
        get => Volatile.Read(ref _backend);
        set => Volatile.Write(ref _backend, value ?? throw new ArgumentNullException(nameof(value)));
    }
}
