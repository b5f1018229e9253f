namespace Vaurien.Host.Options;

/// <summary>One rejected option value: which option, and why in words a user can act on.</summary>
internal sealed record OptionError(string Option, string Message);
