namespace Vaurien.Templates.Tests.Support;

/// <summary>How a child process ended: its exit code and everything it wrote (standard output, then standard error).</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => $"stdout:\n{Stdout}\nstderr:\n{Stderr}";
}
