using Vaurien.Host.Configuration;
using Vaurien.Host.Options;

namespace Vaurien.Host.Cli;

/// <summary>What one command-line flag sets: an option of the <c>[vaurien]</c> table, a behavior or a protocol.</summary>
/// <param name="Section">Picks the section of the command-line settings the value goes to.</param>
/// <param name="Option">The declared option.</param>
internal sealed record FlagTarget(Func<RawSettings, RawSection> Section, OptionDescriptor Option);
