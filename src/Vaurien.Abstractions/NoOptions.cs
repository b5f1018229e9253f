namespace Vaurien;

/// <summary>The options of a behavior or protocol that has none.</summary>
public sealed class NoOptions
{
}
