using System.Buffers;

namespace Vaurien.Behaviors;

/// <summary>What <c>error</c> and <c>transient</c> do to an exchange they fail: Vaurien's error, in one place.</summary>
internal static class ErrorReply
{
    /// <summary>How many random bytes <c>inject</c> splices into the data, as Vaurien's <c>random_data()</c>.</summary>
    public const int InjectedLength = 100;

    /// <summary>
    /// Answers with the protocol's native error or, with <paramref name="inject"/>, splices random bytes into the
    /// middle of the backend's data and lets requests pass. Vaurien turns inject off for http.
    /// </summary>
    public static ValueTask SendAsync(BehaviorContext context, bool inject)
    {
        if (!inject || string.Equals(context.ProtocolName, "http", StringComparison.OrdinalIgnoreCase))
        {
            return context.ReplyWithErrorAsync();
        }

        if (context.Direction == Direction.ToClient)
        {
            context.ReplaceData(Splice(context.Data, context.Random));
        }

        return ValueTask.CompletedTask;
    }

    private static byte[] Splice(ReadOnlySequence<byte> data, Random random)
    {
        // Vaurien: data[:middle] + random_data() + data[middle:], middle = len(data) / 2.
        var middle = (int)(data.Length / 2);
        var result = new byte[data.Length + InjectedLength];
        data.Slice(0, middle).CopyTo(result);
        random.NextBytes(result.AsSpan(middle, InjectedLength));
        data.Slice(middle).CopyTo(result.AsSpan(middle + InjectedLength));
        return result;
    }
}
