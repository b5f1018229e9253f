namespace Vaurien.Protocols;

/// <summary>The shape of the response a memcache command gets, which the response framer needs to know.</summary>
internal enum MemcacheReply
{
    /// <summary>No response: <c>noreply</c> commands.</summary>
    None,

    /// <summary>No response, and the server closes the connection (quit).</summary>
    Close,

    /// <summary>One line: <c>STORED</c>, <c>DELETED</c>, a number, <c>VERSION ...</c>, <c>OK</c>, any error.</summary>
    Line,

    /// <summary><c>VALUE</c> lines with their data blocks until <c>END</c> (get, gets, gat, gats).</summary>
    Values,

    /// <summary><c>STAT</c>, <c>ITEM</c>, <c>PREFIX</c>, <c>key=</c> or <c>mg</c> lines until any other line (stats, lru_crawler).</summary>
    List,

    /// <summary>One meta response line, with its data block after <c>VA &lt;size&gt;</c> (mg, ms, md, ma, me).</summary>
    Meta,

    /// <summary>
    /// Every response up to and including <c>MN</c> (mn): the replies quiet meta commands before it did not
    /// suppress, then its own.
    /// </summary>
    UntilNoOp,

    /// <summary>The rest of the connection is not framed: the binary protocol, <c>watch</c>.</summary>
    Unframed,
}
