using System.Globalization;

namespace Vaurien.TestHost;

/// <summary>The <c>vaurien</c> command line for a <see cref="VaurienProxyOptions"/>.</summary>
internal static class HostArguments
{
    public static IReadOnlyList<string> For(VaurienProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Backend);
        var args = new List<string>
        {
            "--proxy", Address(options.ProxyHost, options.ProxyPort),
            "--backend", options.Backend,
            "--protocol", options.Protocol,
            "--behavior", options.Behavior,
            "--http",
            "--http-host", options.ControlHost,
            "--http-port", options.ControlPort.ToString(CultureInfo.InvariantCulture),
        };
        if (options.PluginFolders.Count > 0)
        {
            args.Add("--plugins");
            args.Add(string.Join(",", options.PluginFolders));
        }

        args.AddRange(options.ExtraArguments);
        return args;
    }

    public static string Address(string host, int port) =>
        host.Contains(':') && !host.StartsWith('[') ? $"[{host}]:{port}" : $"{host}:{port}";
}
