using Vaurien.Host.Configuration;

namespace Vaurien.Host.Cli;

/// <summary>The command line, parsed: the command, the special flags, and the settings the other flags give.</summary>
internal sealed class CommandLine
{
    public const string SourceName = "command line";

    /// <summary>The command: null to run the proxy, or <c>demo</c>.</summary>
    public string? Command { get; set; }

    public bool Help { get; set; }

    public bool Version { get; set; }

    public string? ConfigPath { get; set; }

    public RawSettings Settings { get; } = new(SourceName);

    public List<string> Errors { get; } = [];
}
