namespace Vaurien.Protocols.Framing;

/// <summary>What a protocol's parser found at the start of a buffer; the protocol adds what it learned (a name, a kind).</summary>
internal interface IFrame
{
    /// <summary>Whether a whole frame is there.</summary>
    FrameStatus Status { get; }

    /// <summary>The frame's length in bytes, when complete.</summary>
    long Length { get; }
}
