using Vaurien.Host.Configuration;
using Vaurien.Host.Options;
using Vaurien.Host.Plugins;

namespace Vaurien.Host.Cli;

/// <summary>Writes <c>--help</c>: every flag, behavior and protocol, from their declarations.</summary>
internal static class HelpWriter
{
    private const int FlagColumn = 40;

    public static void Write(TextWriter output, ExtensionCatalog? catalog)
    {
        output.WriteLine("Usage: vaurien [options]          run a chaos TCP proxy");
        output.WriteLine("       vaurien demo [options]     run an embedded HTTP backend with a proxy in front of it");
        output.WriteLine();
        output.WriteLine("Options (also [vaurien] keys of the --config TOML file; flags win over the file):");
        WriteFlag(output, "--config FILE", "TOML configuration file.");
        WriteFlag(output, "--version", "Print the version and exit.");
        WriteFlag(output, "-h, --help", "Print this help and exit.");
        foreach (var option in OptionSet.For(typeof(VaurienOptions)).Options)
        {
            WriteOption(output, "--" + option.FlagName, option);
        }

        output.WriteLine("  Aliases: --local = --proxy, --distant = --backend, --handler-NAME-OPTION = --behavior-NAME-OPTION.");

        if (catalog is null)
        {
            return;
        }

        WriteExtensions(output, catalog, ExtensionKind.Behavior, "Behaviors (--behavior PERCENT:NAME; options also in [behavior.NAME]):");
        WriteExtensions(output, catalog, ExtensionKind.Protocol, "Protocols (--protocol NAME; options also in [protocol.NAME]):");

        foreach (var failure in catalog.Failures)
        {
            output.WriteLine($"Note: {failure}");
        }
    }

    private static void WriteExtensions(TextWriter output, ExtensionCatalog catalog, ExtensionKind kind, string title)
    {
        var prefix = kind == ExtensionKind.Behavior ? "behavior" : "protocol";
        output.WriteLine();
        output.WriteLine(title);
        foreach (var extension in catalog.All(kind))
        {
            output.WriteLine($"  {extension.Name}: {extension.Description}");
            if (extension.TypeName != extension.Name)
            {
                output.WriteLine($"    (type {extension.TypeName})");
            }

            foreach (var option in extension.Options.Options)
            {
                WriteOption(output, OptionNames.Flag(prefix, extension.Name, option), option, indent: "    ");
            }
        }
    }

    private static void WriteOption(TextWriter output, string flag, OptionDescriptor option, string indent = "  ")
    {
        var usage = option.Kind == OptionKind.Bool ? flag : $"{flag} {option.TypeName.ToUpperInvariant().Replace(' ', '_')}";
        var details = $"default: {option.DefaultText}";
        if (option.ConstraintText is { } constraint)
        {
            details += "; " + constraint;
        }

        WriteFlag(output, usage, $"{option.Description} ({details})", indent);
    }

    private static void WriteFlag(TextWriter output, string flag, string description, string indent = "  ")
    {
        var left = indent + flag;
        output.WriteLine(left.Length < FlagColumn ? left.PadRight(FlagColumn) + description : left + Environment.NewLine + new string(' ', FlagColumn) + description);
    }
}
