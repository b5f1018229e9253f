namespace Vaurien.Host.Proxy;

/// <summary>Names of proxies the host creates itself.</summary>
internal static class ProxyNames
{
    /// <summary>The proxy the Vaurien-style command line runs.</summary>
    public const string Default = "default";
}
