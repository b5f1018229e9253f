namespace Vaurien.Host.Options;

/// <summary>The value types an option may have, derived from its property type.</summary>
internal enum OptionKind
{
    Bool,
    Int,
    Long,
    Float,
    String,
    Choice,
    IntList,
    StringList,
}
