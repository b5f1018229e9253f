using System.Globalization;
using System.Reflection;

namespace Vaurien.Host.Options;

/// <summary>One declared option: read once from its property and <see cref="OptionAttribute"/>, used everywhere.</summary>
internal sealed class OptionDescriptor
{
    public OptionDescriptor(PropertyInfo property, OptionAttribute attribute, object? defaultValue)
    {
        Property = property;
        Name = OptionNames.ToSnakeCase(property.Name);
        FlagName = OptionNames.ToKebabCase(Name);
        Description = attribute.Description;
        Kind = KindOf(property.PropertyType);
        Default = defaultValue;
        Min = attribute.Min;
        Max = attribute.Max;
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        Choices = type.IsEnum ? Enum.GetNames(type).Select(OptionNames.ToSnakeCase).ToArray() : attribute.Choices;
        IsNullable = Nullable.GetUnderlyingType(property.PropertyType) is not null;
    }

    public PropertyInfo Property { get; }

    /// <summary>snake_case: the TOML key and the control-API field.</summary>
    public string Name { get; }

    /// <summary>kebab-case: the last part of the command-line flag.</summary>
    public string FlagName { get; }

    public string Description { get; }

    public OptionKind Kind { get; }

    /// <summary>True for int?, long?, double?: the value may be left unset.</summary>
    public bool IsNullable { get; }

    public object? Default { get; }

    public double Min { get; }

    public double Max { get; }

    public IReadOnlyList<string>? Choices { get; }

    public bool HasRange => !double.IsNegativeInfinity(Min) || !double.IsPositiveInfinity(Max);

    /// <summary>A short type name for help and docs: bool, int, float, string, choice, list of int...</summary>
    public string TypeName => Kind switch
    {
        OptionKind.Bool => "bool",
        OptionKind.Int or OptionKind.Long => "int",
        OptionKind.Float => "float",
        OptionKind.String => "string",
        OptionKind.Choice => "choice",
        OptionKind.IntList => "list of int",
        OptionKind.StringList => "list of string",
        _ => Kind.ToString(),
    };

    /// <summary>The constraint in words, or null: "0 to 3600", "one of: a, b".</summary>
    public string? ConstraintText
    {
        get
        {
            if (Choices is { Count: > 0 })
            {
                return "one of: " + string.Join(", ", Choices);
            }

            if (!HasRange)
            {
                return null;
            }

            if (double.IsNegativeInfinity(Min))
            {
                return "at most " + Format(Max);
            }

            return double.IsPositiveInfinity(Max) ? "at least " + Format(Min) : $"{Format(Min)} to {Format(Max)}";
        }
    }

    public string FormatValue(object? value) => value switch
    {
        null => "none",
        bool b => b ? "true" : "false",
        double d => Format(d),
        Enum e => OptionNames.ToSnakeCase(e.ToString()),
        int[] ints => string.Join(",", ints),
        string[] strings => string.Join(",", strings),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public string DefaultText => FormatValue(Default);

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static OptionKind KindOf(Type type)
    {
        // int?, long?, double?: null means "not set" (say what null means in the description).
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(bool))
        {
            return OptionKind.Bool;
        }

        if (type == typeof(int))
        {
            return OptionKind.Int;
        }

        if (type == typeof(long))
        {
            return OptionKind.Long;
        }

        if (type == typeof(double))
        {
            return OptionKind.Float;
        }

        if (type == typeof(string))
        {
            return OptionKind.String;
        }

        if (type.IsEnum)
        {
            return OptionKind.Choice;
        }

        if (type == typeof(int[]))
        {
            return OptionKind.IntList;
        }

        if (type == typeof(string[]))
        {
            return OptionKind.StringList;
        }

        throw new NotSupportedException($"Option type {type} is not supported (bool, int, long, double, string, enum, int[], string[]).");
    }
}
