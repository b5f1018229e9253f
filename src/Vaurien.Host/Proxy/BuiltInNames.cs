namespace Vaurien.Host.Proxy;

/// <summary>Names the host itself refers to. Everything else is found by name in the plugin catalog.</summary>
internal static class BuiltInNames
{
    /// <summary>The behavior that lets everything through; it takes the weight a policy leaves over.</summary>
    public const string Dummy = "dummy";

    /// <summary>The default protocol: plain bytes, one read is one exchange.</summary>
    public const string Tcp = "tcp";
}
