namespace Vaurien.Host.Configuration;

/// <summary>Everything wrong with a configuration, found in one pass; the CLI prints each line and exits with code 2.</summary>
internal sealed class ConfigurationException(IReadOnlyList<string> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public ConfigurationException(string error)
        : this([error])
    {
    }

    public IReadOnlyList<string> Errors { get; } = errors;
}
