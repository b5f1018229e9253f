using System.Buffers;

namespace Vaurien.Protocols.Framing;

/// <summary>
/// Finds where the first frame of <paramref name="buffer"/> ends. It must not allocate from a length read on the
/// wire, and must answer <see cref="FrameStatus.Invalid"/> for a frame longer than the protocol's limit, so that
/// <see cref="FrameStream{TFrame}"/> never gathers more than that. The stream passes that limit as
/// <paramref name="maxFrame"/>, so a parser that needs nothing else can be a static method: no delegate, and no closure,
/// per connection.
/// </summary>
internal delegate TFrame FrameParser<TFrame>(ReadOnlySequence<byte> buffer, int maxFrame)
    where TFrame : struct, IFrame;
