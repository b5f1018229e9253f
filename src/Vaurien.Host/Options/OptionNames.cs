using System.Text;

namespace Vaurien.Host.Options;

/// <summary>The mechanical name conversions: <c>KeepAlive</c> → <c>keep_alive</c> (TOML, API) → <c>keep-alive</c> (flags).</summary>
internal static class OptionNames
{
    public static string ToSnakeCase(string pascal)
    {
        var builder = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c))
            {
                var afterLowerOrDigit = i > 0 && (char.IsLower(pascal[i - 1]) || char.IsDigit(pascal[i - 1]));
                var endOfAcronym = i > 0 && char.IsUpper(pascal[i - 1]) && i + 1 < pascal.Length && char.IsLower(pascal[i + 1]);
                if (afterLowerOrDigit || endOfAcronym)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    public static string ToKebabCase(string snake) => snake.Replace('_', '-');

    /// <summary>The flag of an option: <c>--behavior-delay-sleep</c>, <c>--protocol-tcp-keep-alive</c>.</summary>
    public static string Flag(string kind, string extensionName, OptionDescriptor option) =>
        $"--{kind}-{ToKebabCase(extensionName)}-{option.FlagName}";
}
