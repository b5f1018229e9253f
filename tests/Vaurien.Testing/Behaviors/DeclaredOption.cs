namespace Vaurien.Testing.Behaviors;

/// <summary>One option as the host reads it from an options class (a public view of the host's option descriptor).</summary>
/// <param name="Name">snake_case: the TOML key and control-API field.</param>
/// <param name="FlagName">kebab-case: the last part of the command-line flag.</param>
/// <param name="TypeName">bool, int, float, string, choice, list of int...</param>
/// <param name="Description">The <see cref="OptionAttribute"/> description.</param>
/// <param name="Default">The default value (the property initializer).</param>
/// <param name="DefaultText">The default as help and docs show it.</param>
/// <param name="Min">The smallest accepted value, or negative infinity.</param>
/// <param name="Max">The largest accepted value, or positive infinity.</param>
/// <param name="ConstraintText">The range or choices in words, or null.</param>
public sealed record DeclaredOption(
    string Name,
    string FlagName,
    string TypeName,
    string Description,
    object? Default,
    string DefaultText,
    double Min,
    double Max,
    string? ConstraintText);
