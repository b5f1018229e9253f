namespace Vaurien.Host.ControlApi;

/// <summary>A control-API request was refused (status 400): it carries every problem found, not only the first.</summary>
internal sealed class ControlRequestException(IReadOnlyList<ControlError> errors)
    : Exception(string.Join(" ", errors.Select(e => e.Description)))
{
    public IReadOnlyList<ControlError> Errors { get; } = errors;

    public static ControlRequestException InBody(string name, string description) => new([ControlError.InBody(name, description)]);
}
