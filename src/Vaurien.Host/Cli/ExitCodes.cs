namespace Vaurien.Host.Cli;

/// <summary>The process exit codes, listed in the README.</summary>
internal static class ExitCodes
{
    /// <summary>Ran and stopped cleanly (or printed help or the version).</summary>
    public const int Success = 0;

    /// <summary>Could not start: the listen address is taken or unusable.</summary>
    public const int StartFailed = 1;

    /// <summary>Bad flags, config file or plugins: nothing was started.</summary>
    public const int UsageError = 2;
}
