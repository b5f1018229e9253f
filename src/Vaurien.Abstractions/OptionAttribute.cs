namespace Vaurien;

/// <summary>
/// Declares one option of a behavior or protocol on a property of its options class. The property name gives
/// the option's name mechanically: <c>KeepAlive</c> is <c>keep_alive</c> in TOML and the control API and
/// <c>--protocol-tcp-keep-alive</c> on the command line. The property initializer is the default.
/// </summary>
/// <remarks>
/// Supported property types: <see cref="bool"/>, <see cref="int"/>, <see cref="long"/>, <see cref="double"/>,
/// <see cref="string"/>, enums (their names are the choices) and arrays of <see cref="int"/> or <see cref="string"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class OptionAttribute : Attribute
{
    /// <summary>Declares an option with its one-sentence description (say the unit and what 0 means).</summary>
    public OptionAttribute(string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        Description = description;
    }

    /// <summary>What the option does, with its unit. Shown in <c>--help</c>, the docs and API errors.</summary>
    public string Description { get; }

    /// <summary>The smallest accepted value of a numeric option (or of each element of an array). No bound by default.</summary>
    public double Min { get; set; } = double.NegativeInfinity;

    /// <summary>The largest accepted value of a numeric option (or of each element of an array). No bound by default.</summary>
    public double Max { get; set; } = double.PositiveInfinity;

    /// <summary>The accepted values of a string option (or of each element of a string array). Any value when null.</summary>
    public string[]? Choices { get; set; }
}
