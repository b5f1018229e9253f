using System.Buffers;
using System.Buffers.Binary;
using Vaurien.Protocols.Framing;

namespace Vaurien.Protocols;

/// <summary>
/// Cuts the PostgreSQL frontend/backend protocol v3 into frames: the untyped startup messages, one client request
/// (a Query, a FunctionCall, or an extended-query batch up to its Sync or Flush) and runs of whole backend messages.
/// Every length read on the wire is checked against the largest frame before it is trusted, never allocated from.
/// </summary>
internal static class PostgresFramer
{
    /// <summary>The startup code of an SSLRequest.</summary>
    public const int SslRequest = 80877103;

    /// <summary>The startup code of a GSSENCRequest.</summary>
    public const int GssEncRequest = 80877104;

    /// <summary>The startup code of a CancelRequest.</summary>
    public const int CancelRequest = 80877102;

    // A type byte and a length that counts itself.
    private const int HeaderLength = 5;

    /// <summary>Frames the first untyped startup-phase message: int32 length (itself included), int32 code, the rest.</summary>
    public static Request ReadStartup(ReadOnlySequence<byte> buffer, int maxFrame)
    {
        Span<byte> header = stackalloc byte[8];
        if (!new SequenceReader<byte>(buffer).TryCopyTo(header))
        {
            return Request.Incomplete;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length < header.Length || length > maxFrame)
        {
            return Request.Invalid;
        }

        var code = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        return buffer.Length < length ? Request.Incomplete : new Request(FrameStatus.Complete, length, 0, 0, code);
    }

    /// <summary>
    /// Frames the first client request of the ready phase: one message, or the extended-query messages (Parse, Bind,
    /// Describe, Execute, Close) up to and including the Sync or Flush that makes the backend answer them.
    /// </summary>
    public static Request ReadRequest(ReadOnlySequence<byte> buffer, int maxFrame)
    {
        var reader = new SequenceReader<byte>(buffer);
        byte first = 0;
        byte last = 0;
        while (true)
        {
            if (!TryReadHeader(ref reader, out var type, out var length))
            {
                return Incomplete(buffer, maxFrame);
            }

            if (length < 4 || length > maxFrame - reader.Consumed + 4)
            {
                return Request.Invalid;
            }

            if (first != 0 && !IsExtended(type))
            {
                // A batch cut short by another kind of message (no Sync): the batch goes on without it.
                return new Request(FrameStatus.Complete, reader.Consumed - HeaderLength, first, last, 0);
            }

            if (reader.Remaining < length - 4)
            {
                return Incomplete(buffer, maxFrame);
            }

            reader.Advance(length - 4);
            first = first == 0 ? type : first;
            last = type;
            if (!IsExtended(type) || type is (byte)'S' or (byte)'H')
            {
                return new Request(FrameStatus.Complete, reader.Consumed, first, last, 0);
            }
        }
    }

    /// <summary>
    /// Frames a run of whole backend messages, as many as are buffered (at most the largest frame), ending early after
    /// a message that changes the session's state: ReadyForQuery, CopyInResponse or CopyBothResponse.
    /// </summary>
    public static Response ReadResponses(ReadOnlySequence<byte> buffer, int maxFrame)
    {
        var reader = new SequenceReader<byte>(buffer);
        long run = 0;
        byte last = 0;
        byte status = 0;
        while (TryReadHeader(ref reader, out var type, out var length))
        {
            if (length < 4 || length > maxFrame - 1)
            {
                // Left to the next run to report, so what comes before it still reaches the client.
                return run == 0 ? Response.Invalid : new Response(FrameStatus.Complete, run, last, status);
            }

            if (run + length + 1 > maxFrame || reader.Remaining < length - 4)
            {
                break;
            }

            if (type == (byte)'Z' && length > 4)
            {
                reader.TryPeek(out status);
            }

            reader.Advance(length - 4);
            run = reader.Consumed;
            last = type;
            if (type is (byte)'Z' or (byte)'G' or (byte)'W')
            {
                break;
            }
        }

        if (run > 0)
        {
            return new Response(FrameStatus.Complete, run, last, status);
        }

        return buffer.Length > maxFrame ? Response.Invalid : Response.Incomplete;
    }

    /// <summary>Frames the backend's one-byte answer to an SSLRequest or GSSENCRequest ('S', 'G' or 'N').</summary>
    public static Response ReadByte(ReadOnlySequence<byte> buffer) =>
        buffer.IsEmpty ? Response.Incomplete : new Response(FrameStatus.Complete, 1, buffer.FirstSpan[0], 0);

    /// <summary>The name of a client message type, as behaviors see it; null for an unknown type.</summary>
    public static string? NameOf(byte type) => type switch
    {
        (byte)'Q' => "Query",
        (byte)'P' => "Parse",
        (byte)'B' => "Bind",
        (byte)'D' => "Describe",
        (byte)'E' => "Execute",
        (byte)'C' => "Close",
        (byte)'S' => "Sync",
        (byte)'H' => "Flush",
        (byte)'F' => "FunctionCall",
        _ => null,
    };

    // The messages of the extended-query protocol, Sync and Flush included.
    private static bool IsExtended(byte type) => type is (byte)'P' or (byte)'B' or (byte)'D' or (byte)'E' or (byte)'C' or (byte)'S' or (byte)'H';

    private static bool TryReadHeader(ref SequenceReader<byte> reader, out byte type, out int length)
    {
        length = 0;
        if (!reader.TryRead(out type) || !reader.TryReadBigEndian(out length))
        {
            return false;
        }

        return true;
    }

    private static Request Incomplete(ReadOnlySequence<byte> buffer, int maxFrame) =>
        buffer.Length > maxFrame ? Request.Invalid : Request.Incomplete;

    /// <summary>One framed client message or request.</summary>
    /// <param name="Status">Whether the frame is complete.</param>
    /// <param name="Length">Its length in bytes, when complete.</param>
    /// <param name="Type">The type of its first message (0 for a startup-phase message).</param>
    /// <param name="Last">The type of its last message.</param>
    /// <param name="Code">A startup-phase message's code (protocol version or request code).</param>
    public readonly record struct Request(FrameStatus Status, long Length, byte Type, byte Last, int Code) : IFrame
    {
        public static Request Incomplete => new(FrameStatus.Incomplete, 0, 0, 0, 0);

        public static Request Invalid => new(FrameStatus.Invalid, 0, 0, 0, 0);

        /// <summary>CopyData, CopyDone or CopyFail: part of the exchange whose COPY FROM STDIN they feed.</summary>
        public bool IsCopy => Type is (byte)'d' or (byte)'c' or (byte)'f';

        /// <summary>A request the backend answers (a Query, a FunctionCall, or a batch up to a Sync or Flush).</summary>
        public bool IsRequest => Type is (byte)'Q' or (byte)'F' || (Last is (byte)'S' or (byte)'H');

        /// <summary>The backend ends its answer with ReadyForQuery (a Flush gets no ReadyForQuery).</summary>
        public bool ExpectsReady => Last is (byte)'Q' or (byte)'F' or (byte)'S';

        /// <summary>Extended-query messages the backend has not been asked to answer yet (no Sync in them).</summary>
        public bool IsOpenBatch => IsExtended(Type) && Last != (byte)'S';
    }

    /// <summary>A run of whole backend messages.</summary>
    /// <param name="Status">Whether the frame is complete.</param>
    /// <param name="Length">Its length in bytes, when complete.</param>
    /// <param name="Last">The type of its last message (or the one-byte answer to an encryption request).</param>
    /// <param name="ReadyStatus">When <paramref name="Last"/> is ReadyForQuery: the transaction status ('I', 'T' or 'E').</param>
    public readonly record struct Response(FrameStatus Status, long Length, byte Last, byte ReadyStatus) : IFrame
    {
        public static Response Incomplete => new(FrameStatus.Incomplete, 0, 0, 0);

        public static Response Invalid => new(FrameStatus.Invalid, 0, 0, 0);
    }
}
