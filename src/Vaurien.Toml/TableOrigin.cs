namespace Vaurien.Toml;

/// <summary>How a table came to exist; decides which later definitions may extend it (TOML 1.0 rules).</summary>
internal enum TableOrigin
{
    /// <summary>The document root.</summary>
    Root,

    /// <summary>Created as an intermediate of a header path (<c>a</c> in <c>[a.b]</c>); one later <c>[a]</c> may define it.</summary>
    Implicit,

    /// <summary>Defined by a <c>[header]</c> or as an element of <c>[[header]]</c>.</summary>
    Header,

    /// <summary>Created by a dotted key (<c>a.b = 1</c>); only dotted keys of the same section may add to it.</summary>
    Dotted,

    /// <summary>Written as an inline table <c>{ ... }</c>; immutable once closed.</summary>
    Inline,
}
