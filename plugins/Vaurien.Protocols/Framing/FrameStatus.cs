namespace Vaurien.Protocols.Framing;

/// <summary>How far a parser got with the start of a buffer.</summary>
internal enum FrameStatus
{
    /// <summary>More bytes are needed.</summary>
    Incomplete,

    /// <summary>A whole frame is there.</summary>
    Complete,

    /// <summary>Not the protocol, or longer than the largest frame: the connection must close.</summary>
    Invalid,
}
