using Vaurien.Host.Options;

namespace Vaurien.Testing.Behaviors;

/// <summary>
/// The host's option binding (its internal <c>OptionSet</c>), opened to plugin test projects: what a command line,
/// TOML file or control-API call would turn a set of raw values into, and the errors it would report.
/// </summary>
public static class OptionBinder
{
    /// <summary>
    /// Binds raw values (strings, as from the command line, or typed values, as from TOML or JSON) onto the defaults
    /// of <typeparamref name="TOptions"/>. Returns false with one message per rejected value.
    /// </summary>
    public static bool TryBind<TOptions>(IEnumerable<KeyValuePair<string, object?>> values, out TOptions options, out IReadOnlyList<string> errors)
        where TOptions : class, new()
    {
        ArgumentNullException.ThrowIfNull(values);
        var problems = new List<OptionError>();
        options = (TOptions)OptionSet.For(typeof(TOptions)).Bind(values, baseline: null, problems);
        errors = problems.Select(p => p.Message).ToList();
        return problems.Count == 0;
    }

    /// <summary>Binds one option value; see <see cref="TryBind{TOptions}(IEnumerable{KeyValuePair{string, object}}, out TOptions, out IReadOnlyList{string})"/>.</summary>
    public static bool TryBind<TOptions>(string name, object? value, out TOptions options, out IReadOnlyList<string> errors)
        where TOptions : class, new() =>
        TryBind([KeyValuePair.Create(name, value)], out options, out errors);

    /// <summary>The options declared by <paramref name="optionsType"/>, sorted by name, as the host reads them.</summary>
    public static IReadOnlyList<DeclaredOption> Describe(Type optionsType) =>
        OptionSet.For(optionsType).Options.Select(ToDeclared).ToList();

    /// <summary>
    /// The options class of a behavior or protocol type (the <c>TOptions</c> of <see cref="Behavior{TOptions}"/> or
    /// <see cref="Protocol{TOptions}"/>), as the host finds it; <see cref="NoOptions"/> when it declares none.
    /// </summary>
    public static Type OptionsTypeOf(Type extensionType) => OptionSet.ForExtension(extensionType).OptionsType;

    private static DeclaredOption ToDeclared(OptionDescriptor option) => new(
        option.Name,
        option.FlagName,
        option.TypeName,
        option.Description,
        option.Default,
        option.DefaultText,
        option.Min,
        option.Max,
        option.ConstraintText);
}
