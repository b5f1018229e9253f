using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vaurien.Host.Configuration;
using Vaurien.Host.Plugins;
using Vaurien.Host.Proxy;

namespace Vaurien.Host;

/// <summary>The composition root: one call wires the capability folders for a bound configuration.</summary>
internal static class VaurienServiceCollectionExtensions
{
    /// <summary>
    /// Registers the proxy for <paramref name="settings"/> with the plugins of <paramref name="catalog"/>. Time and
    /// randomness use TryAdd, so a test's registration (fake time, scripted random) wins.
    /// </summary>
    public static IServiceCollection AddVaurien(this IServiceCollection services, VaurienSettings settings, ExtensionCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(catalog);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRandomFactory>(new RandomFactory(settings.Vaurien.Seed));
        services.AddSingleton(settings);
        services.AddSingleton(catalog);
        services.AddSingleton(new ProxyState(ProxyNames.Default, settings.Policy, settings.Backend));
        services.AddSingleton(sp => new ProxyDefinition(
            settings.Listen,
            settings.Protocol,
            settings.ProtocolOptions[settings.Protocol.Name],
            settings.Timeout,
            settings.Vaurien.StayConnected,
            sp.GetRequiredService<ProxyState>()));
        services.AddSingleton<ProxyServer>();
        return services;
    }
}
