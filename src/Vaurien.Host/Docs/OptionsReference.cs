using System.Text;
using Vaurien.Host.Cli;
using Vaurien.Host.Configuration;
using Vaurien.Host.Options;
using Vaurien.Host.Plugins;

namespace Vaurien.Host.Docs;

/// <summary>
/// Writes the options reference (docs/options.md) from the option declarations: <see cref="VaurienOptions"/> and every
/// loaded behavior and protocol, each option with its name, flag, TOML key, type, default, range or choices and
/// description. Nobody edits the page: <c>vaurien docs options docs/options.md</c> writes it, and a test fails when the
/// checked-in page no longer matches what the built-in plugins declare.
/// </summary>
internal static class OptionsReference
{
    /// <summary>The hidden command: <c>vaurien docs options [FILE]</c> (standard output without FILE).</summary>
    public const string Command = "docs";

    public const string Topic = "options";

    /// <summary>How to regenerate the checked-in page, from the repository root.</summary>
    public const string RegenerateCommand = "dotnet run --project src/Vaurien.Host -- docs options docs/options.md";

    // Written into the page: the same command, as a user of the vaurien executable types it.
    private const string GeneratorCommand = "vaurien docs options docs/options.md";

    private const string TableHeader = """
        | Name | Flag | TOML key | Type | Default | Range / choices | Description |
        | --- | --- | --- | --- | --- | --- | --- |
        """;

    /// <summary>The page for <paramref name="catalog"/>, with <c>\n</c> line ends whatever the platform.</summary>
    public static string Generate(ExtensionCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var page = new StringBuilder();
        page.Append($"""
            # Options reference

            <!-- Generated from the option declarations by `{GeneratorCommand}`. Do not edit: a test fails when this page is stale. -->

            Every option is declared once, on the options record of the host, a behavior or a protocol, and reaches you
            four ways: a command-line flag, a key of the TOML config file (`--config`), a field of the control API, and
            this page. Flags win over the file. Names convert mechanically: the property `KeepAlive` is the key and API
            field `keep_alive` and the flag `--protocol-tcp-keep-alive`. Vaurien's older spellings still work: `--local` and
            `--distant` for `--proxy` and `--backend`, `--handler-NAME-OPTION` for `--behavior-NAME-OPTION`.

            Behaviors and protocols from other plugin folders (`--plugins DIR`) have options too: `vaurien --plugins DIR --help`
            lists them, and `vaurien --plugins DIR docs options` writes this page with them.

            - [`[vaurien]`](#vaurien)

            """);
        AppendIndex(page, "Behaviors", "behavior", catalog.Behaviors);
        AppendIndex(page, "Protocols", "protocol", catalog.Protocols);

        page.Append("""

            ## [vaurien]

            The host's own options: flags `--NAME`, keys of the `[vaurien]` table.

            """).Append('\n');
        AppendTable(page, OptionSet.For(typeof(VaurienOptions)), option => "--" + option.FlagName, "vaurien");

        page.Append("""

            ## Behaviors

            Chosen by weight with `--behavior PERCENT:NAME[,PERCENT:NAME...]` (`behavior` in `[vaurien]`); the rest up to 100 is
            `dummy`. A behavior can also be named by its full type name. Options: flags `--behavior-NAME-OPTION`, keys of the
            `[behavior.NAME]` table.

            """);
        AppendExtensions(page, catalog.Behaviors, "behavior");

        page.Append("""

            ## Protocols

            Chosen with `--protocol NAME` (`protocol` in `[vaurien]`), by name or full type name. Options: flags
            `--protocol-NAME-OPTION`, keys of the `[protocol.NAME]` table.

            """);
        AppendExtensions(page, catalog.Protocols, "protocol");
        return page.ToString().ReplaceLineEndings("\n");
    }

    /// <summary>True when the command line asks for <c>vaurien docs ...</c>.</summary>
    public static bool IsRequested(IReadOnlyList<string> args) => Positional(args) is [Command, ..];

    /// <summary>Runs <c>vaurien docs options [FILE]</c>; returns the exit code.</summary>
    /// <param name="args">The whole command line (flags such as <c>--plugins</c> were read before plugins loaded).</param>
    /// <param name="catalog">The loaded plugins.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    public static int Run(IReadOnlyList<string> args, ExtensionCatalog catalog, TextWriter output, TextWriter error)
    {
        var positional = Positional(args);
        if (positional is not [Command, Topic] and not [Command, Topic, _])
        {
            error.WriteLine($"vaurien: usage: vaurien [--plugins DIR] {Command} {Topic} [FILE]");
            return ExitCodes.UsageError;
        }

        var page = Generate(catalog);
        if (positional.Count == 2)
        {
            output.Write(page);
            output.Flush();
            return ExitCodes.Success;
        }

        var path = positional[2];
        try
        {
            File.WriteAllText(path, page, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error.WriteLine($"vaurien: cannot write '{path}': {e.Message}");
            return ExitCodes.UsageError;
        }

        output.WriteLine($"Wrote {path}.");
        return ExitCodes.Success;
    }

    /// <summary>The words of the command line that are neither flags nor flag values.</summary>
    private static List<string> Positional(IReadOnlyList<string> args)
    {
        var words = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-'))
            {
                words.Add(arg);
            }
            else if (!arg.Contains('=', StringComparison.Ordinal) && TakesValue(arg))
            {
                i++;
            }
        }

        return words;
    }

    private static bool TakesValue(string flag)
    {
        if (flag is "-h" or "--help" or "--version")
        {
            return false;
        }

        var option = OptionSet.For(typeof(VaurienOptions)).Find(flag.TrimStart('-'));
        return option is null || option.Kind != OptionKind.Bool;
    }

    private static void AppendIndex(StringBuilder page, string title, string kind, IReadOnlyList<ExtensionDescriptor> extensions)
    {
        if (extensions.Count == 0)
        {
            return;
        }

        page.Append($"- {title}: ");
        page.AppendJoin(", ", extensions.Select(e => $"[{e.Name}](#{kind}-{Anchor(e.Name)})"));
        page.Append('\n');
    }

    private static void AppendExtensions(StringBuilder page, IReadOnlyList<ExtensionDescriptor> extensions, string kind)
    {
        foreach (var extension in extensions)
        {
            page.Append($"\n### {kind}: {extension.Name}\n\n");
            if (extension.Description.Length > 0)
            {
                page.Append(Escape(extension.Description)).Append("\n\n");
            }

            page.Append($"Type `{extension.TypeName}`, from the plugin `{Path.GetFileName(Path.TrimEndingDirectorySeparator(extension.Origin))}`.");
            if (extension.Options.Options.Count == 0)
            {
                page.Append(" No options.\n");
                continue;
            }

            page.Append("\n\n");
            AppendTable(page, extension.Options, option => OptionNames.Flag(kind, extension.Name, option), $"{kind}.{extension.Name}");
        }
    }

    private static void AppendTable(StringBuilder page, OptionSet options, Func<OptionDescriptor, string> flagOf, string table)
    {
        page.Append(TableHeader).Append('\n');
        foreach (var option in options.Options)
        {
            page.Append($"| `{option.Name}` | `{flagOf(option)}` | `[{table}]` `{option.Name}` | {option.TypeName} | {DefaultOf(option)} | ");
            page.Append(Escape(option.ConstraintText ?? "")).Append(" | ").Append(Escape(option.Description)).Append(" |\n");
        }
    }

    private static string DefaultOf(OptionDescriptor option) => option.Default switch
    {
        null => "unset",
        string s => $"`\"{s}\"`",
        Array { Length: 0 } => "none",
        _ => $"`{option.DefaultText}`",
    };

    // GitHub's heading anchors: lower case, spaces to hyphens, other punctuation dropped.
    private static string Anchor(string name) =>
        new(name.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is '-' or '_').ToArray());

    // Table cells: a pipe would end the cell, and <Name> would be taken for an HTML tag.
    private static string Escape(string text) =>
        text.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
