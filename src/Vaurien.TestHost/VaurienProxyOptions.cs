namespace Vaurien.TestHost;

/// <summary>
/// How <see cref="VaurienProxy"/> starts a proxy: the command-line flags of <c>vaurien</c>, with the control API always on
/// and everything on loopback, free ports by default.
/// </summary>
public sealed class VaurienProxyOptions
{
    /// <summary>The backend to forward to, as <c>host:port</c> (<c>--backend</c>).</summary>
    public required string Backend { get; init; }

    /// <summary>The protocol (<c>--protocol</c>): <c>tcp</c>, <c>http</c>, <c>redis</c>... Defaults to <c>tcp</c>.</summary>
    public string Protocol { get; init; } = "tcp";

    /// <summary>The behavior policy to start with (<c>--behavior</c>): <c>dummy</c>, <c>20:delay</c>... Defaults to <c>dummy</c>.</summary>
    public string Behavior { get; init; } = "dummy";

    /// <summary>The address the proxy listens on. Defaults to <c>127.0.0.1</c>.</summary>
    public string ProxyHost { get; init; } = "127.0.0.1";

    /// <summary>The port the proxy listens on; 0 (the default) picks a free one, see <see cref="VaurienProxy.ProxyEndPoint"/>.</summary>
    public int ProxyPort { get; init; }

    /// <summary>The address the control API listens on (<c>--http-host</c>). Defaults to <c>127.0.0.1</c>.</summary>
    public string ControlHost { get; init; } = "127.0.0.1";

    /// <summary>The control API's port (<c>--http-port</c>); 0 (the default) picks a free one, see <see cref="VaurienProxy.ControlUri"/>.</summary>
    public int ControlPort { get; init; }

    /// <summary>More plugin folders (<c>--plugins</c>), besides the <c>plugins</c> folder beside the host.</summary>
    public IReadOnlyList<string> PluginFolders { get; init; } = [];

    /// <summary>Any other flags, passed last: <c>--behavior-delay-sleep 2</c>, <c>--stay-connected</c>, <c>--config FILE</c>...</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>How long the proxy may take to answer on its control API. Defaults to 30 seconds.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// For <see cref="VaurienProxy.StartProcessAsync"/>: the <c>vaurien</c> executable or <c>vaurien.dll</c> to run.
    /// Defaults to <c>vaurien.dll</c> beside this assembly, run with the current <c>dotnet</c>.
    /// </summary>
    public string? ExecutablePath { get; init; }

    /// <summary>Where the host's output goes as well (e.g. a writer over xunit's test output); it is kept in <see cref="VaurienProxy.Output"/> anyway.</summary>
    public TextWriter? Log { get; init; }
}
