using Vaurien.Host.Configuration;
using Vaurien.Host.Options;
using Vaurien.Host.Plugins;

namespace Vaurien.Host.Cli;

/// <summary>
/// Parses Vaurien's command line. The flags come from the option declarations: <c>--stay-connected</c> from
/// <see cref="VaurienOptions"/>, <c>--behavior-delay-sleep</c> from the delay behavior's options,
/// <c>--protocol-tcp-keep-alive</c> from the tcp protocol's. Bool flags take no value (<c>--flag</c>), or an explicit one
/// (<c>--flag=false</c>, <c>--flag false</c>). Vaurien's older spellings are accepted: <c>--local</c>, <c>--distant</c>,
/// <c>--handler-NAME-OPTION</c> and <c>--handlers.NAME.OPTION</c>.
/// </summary>
internal sealed class CommandLineParser
{
    public const string DemoCommand = "demo";

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["--local"] = "--proxy",
        ["--distant"] = "--backend",
    };

    private readonly Dictionary<string, FlagTarget> _flags = new(StringComparer.Ordinal);

    public CommandLineParser(ExtensionCatalog? catalog)
    {
        foreach (var option in OptionSet.For(typeof(VaurienOptions)).Options)
        {
            _flags["--" + option.FlagName] = new FlagTarget(s => s.Vaurien, option);
        }

        if (catalog is null)
        {
            return;
        }

        foreach (var kind in new[] { ExtensionKind.Behavior, ExtensionKind.Protocol })
        {
            var prefix = kind == ExtensionKind.Behavior ? "behavior" : "protocol";
            foreach (var extension in catalog.All(kind))
            {
                foreach (var option in extension.Options.Options)
                {
                    var name = extension.Name;
                    var target = new FlagTarget(
                        s => s.Section(kind == ExtensionKind.Behavior ? s.Behaviors : s.Protocols, name, CommandLine.SourceName),
                        option);
                    _flags[OptionNames.Flag(prefix, name, option)] = target;
                    if (kind == ExtensionKind.Behavior)
                    {
                        _flags[OptionNames.Flag("handler", name, option)] = target;
                        _flags[$"--handlers.{name}.{option.Name}"] = target;
                    }
                }
            }
        }
    }

    /// <summary>Every flag this parser knows, for help and tests.</summary>
    public IReadOnlyCollection<string> Flags => _flags.Keys;

    /// <summary>
    /// Finds only the flags needed before plugins load (<c>--config</c>, <c>--plugins</c>, <c>--help</c>, <c>--version</c>,
    /// logging), skipping everything else.
    /// </summary>
    public static CommandLine PreParse(IReadOnlyList<string> args) => new CommandLineParser(null).Parse(args, lenient: true);

    public CommandLine Parse(IReadOnlyList<string> args, bool lenient = false)
    {
        var result = new CommandLine();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-'))
            {
                if (i == 0 && arg == DemoCommand)
                {
                    result.Command = DemoCommand;
                }
                else if (!lenient)
                {
                    result.Errors.Add($"Unexpected argument '{arg}'. Run 'vaurien --help' for the options.");
                }

                continue;
            }

            var equals = arg.IndexOf('=');
            var flag = equals > 0 ? arg[..equals] : arg;
            string? inline = equals > 0 ? arg[(equals + 1)..] : null;
            flag = Aliases.GetValueOrDefault(flag, flag);

            switch (flag)
            {
                case "-h" or "--help":
                    result.Help = true;
                    continue;
                case "--version":
                    result.Version = true;
                    continue;
                case "--config":
                    result.ConfigPath = inline ?? TakeValue(args, ref i, flag, result);
                    continue;
            }

            if (!_flags.TryGetValue(flag, out var target))
            {
                if (!lenient)
                {
                    result.Errors.Add($"Unknown option '{flag}'. Run 'vaurien --help' for the options, behaviors and protocols.");
                }

                continue;
            }

            string? value;
            if (target.Option.Kind == OptionKind.Bool)
            {
                value = inline ?? (i + 1 < args.Count && IsBoolLiteral(args[i + 1]) ? args[++i] : "true");
            }
            else
            {
                value = inline ?? TakeValue(args, ref i, flag, result);
            }

            if (value is null)
            {
                continue;
            }

            var section = target.Section(result.Settings);
            var key = target.Option.Name;
            object raw = value;
            if (target.Option.Kind is OptionKind.IntList or OptionKind.StringList &&
                section.Values.TryGetValue(key, out var previous) && previous.Raw is List<object?> list)
            {
                // A list flag may be repeated: --plugins a --plugins b.
                list.AddRange(SplitList(value));
                raw = list;
            }
            else if (target.Option.Kind is OptionKind.IntList or OptionKind.StringList)
            {
                raw = SplitList(value).ToList();
            }

            section.Values[key] = new ConfigValue(raw, flag);
        }

        return result;
    }

    private static string? TakeValue(IReadOnlyList<string> args, ref int i, string flag, CommandLine result)
    {
        if (i + 1 < args.Count && (!args[i + 1].StartsWith("--", StringComparison.Ordinal) || args[i + 1] == "--"))
        {
            return args[++i];
        }

        result.Errors.Add($"Option '{flag}' needs a value.");
        return null;
    }

    private static IEnumerable<object?> SplitList(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool IsBoolLiteral(string text) =>
        text.ToLowerInvariant() is "true" or "false" or "yes" or "no" or "on" or "off";
}
