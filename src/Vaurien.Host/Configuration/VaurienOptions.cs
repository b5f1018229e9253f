namespace Vaurien.Host.Configuration;

/// <summary>
/// The <c>[vaurien]</c> table of the config file and the matching flags (<c>--stay-connected</c>, <c>--http-port</c>),
/// declared once here. Defaults are Vaurien 1.9's.
/// </summary>
internal sealed record VaurienOptions
{
    [Option("Address the proxy listens on, as HOST:PORT. Port 0 picks a free port. Defaults to localhost:8000.")]
    public string Proxy { get; init; } = "localhost:8000";

    [Option("Address of the backend the proxy forwards to, as HOST:PORT. Defaults to localhost:80.")]
    public string Backend { get; init; } = "localhost:80";

    [Option("Protocol that frames the traffic: a protocol name or full type name. Defaults to tcp.")]
    public string Protocol { get; init; } = "tcp";

    [Option("Behaviors by weight, as PERCENT:NAME[,PERCENT:NAME...]; the rest up to 100 is dummy. Defaults to 100:dummy.")]
    public string Behavior { get; init; } = "100:dummy";

    [Option("Seconds to wait for the backend to accept a connection, and for an idle connection before closing it (unless stay_connected). Defaults to 30.", Min = 0.001, Max = 86400)]
    public double Timeout { get; init; } = 30;

    [Option("Keep idle connections open instead of closing them after the timeout. Defaults to false.")]
    public bool StayConnected { get; init; }

    [Option("Seed of the random choices (policy picks, error bytes), to make a run reproducible. Unset means a new seed every run.")]
    public int? Seed { get; init; }

    [Option("Start the HTTP control API (GET/PUT /behavior, GET /behaviors, GET/PUT /backend). Defaults to false.")]
    public bool Http { get; init; }

    [Option("Host the control API listens on. It has no authentication: keep it on loopback. Defaults to localhost.")]
    public string HttpHost { get; init; } = "localhost";

    [Option("Port the control API listens on. Defaults to 8080.", Min = 0, Max = 65535)]
    public int HttpPort { get; init; } = 8080;

    [Option("Log level. Defaults to info.", Choices = ["critical", "error", "warning", "info", "debug"])]
    public string LogLevel { get; init; } = "info";

    [Option("Where logs go: - for standard error, or a file path (appended to). Defaults to -.")]
    public string LogOutput { get; init; } = "-";

    [Option("More folders of plugins (each holds <Name>/<Name>.dll), besides the built-in plugins folder. Defaults to none.")]
    public string[] Plugins { get; init; } = [];
}
