using System.IO.Pipelines;
using System.Text;

namespace Vaurien.Testing.Network;

/// <summary>
/// Drives a protocol's framing over an <see cref="InMemoryConnection"/>: inputs made of the protocol's fragments mixed
/// with random bytes and cut anywhere, and whole runs with a deadline that return what reached each side.
/// </summary>
public static class FramingFuzz
{
    /// <summary>Up to <paramref name="maxParts"/> pieces, each one of <paramref name="fragments"/> or 1 to 63 random bytes, then truncated anywhere.</summary>
    public static byte[] Garbage(Random random, IReadOnlyList<string> fragments, int maxParts = 12)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        return Garbage(random, fragments.Select(Encoding.ASCII.GetBytes).ToArray(), maxParts);
    }

    /// <summary>Up to <paramref name="maxParts"/> pieces, each one of <paramref name="fragments"/> or 1 to 63 random bytes, then truncated anywhere.</summary>
    public static byte[] Garbage(Random random, IReadOnlyList<byte[]> fragments, int maxParts = 12)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(fragments);
        var bytes = new List<byte>();
        var parts = random.Next(0, maxParts);
        for (var i = 0; i < parts; i++)
        {
            if (random.Next(4) == 0)
            {
                var noise = new byte[random.Next(1, 64)];
                random.NextBytes(noise);
                bytes.AddRange(noise);
            }
            else
            {
                bytes.AddRange(fragments[random.Next(fragments.Count)]);
            }
        }

        // Truncated anywhere, as a stream cut short would be.
        return bytes.Take(random.Next(bytes.Count + 1)).ToArray();
    }

    /// <summary>
    /// Gives the backend's bytes whole and ends its stream, runs <paramref name="protocol"/> while the client's bytes
    /// arrive in pieces of <paramref name="clientPiece"/> and then its end, and returns what reached each side once the
    /// protocol returned. A throw or a run longer than <see cref="TestTimeouts.Network"/> fails the caller.
    /// </summary>
    public static async Task<(byte[] ToClient, byte[] ToBackend)> RunAsync(
        IProtocol protocol, InMemoryConnection connection, ReadOnlyMemory<byte> fromClient, ReadOnlyMemory<byte> fromBackend, int clientPiece = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(connection);
        var clientGot = ReadAllAsync(connection.ToClient);
        var backendGot = ReadAllAsync(connection.ToBackend);
        await connection.FromBackend.WriteAsync(fromBackend);
        await connection.FromBackend.CompleteAsync();
        var run = protocol.RunAsync(connection);
        for (var i = 0; i < fromClient.Length; i += clientPiece)
        {
            await connection.FromClient.WriteAsync(fromClient.Slice(i, Math.Min(clientPiece, fromClient.Length - i)));
        }

        await connection.FromClient.CompleteAsync();

        // Returning is the clean close; the outputs the protocol left open end with the run.
        await run.WaitAsync(TestTimeouts.Network);
        await ((IDuplexPipe)connection.Client).Output.CompleteAsync();
        await ((IDuplexPipe)connection.Backend).Output.CompleteAsync();
        return (await clientGot.WaitAsync(TestTimeouts.Network), await backendGot.WaitAsync(TestTimeouts.Network));
    }

    /// <summary>
    /// Gives both sides' bytes whole and ends both streams, runs <paramref name="protocol"/> to its end and returns how
    /// many bytes reached each side. A throw or a run longer than <see cref="TestTimeouts.Network"/> fails the caller.
    /// </summary>
    public static async Task<(long ToClient, long ToBackend)> RunWholeAsync(IProtocol protocol, InMemoryConnection connection, byte[] fromClient, byte[] fromBackend)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(connection);
        var clientGot = DrainAsync(connection.ToClient);
        var backendGot = DrainAsync(connection.ToBackend);
        await connection.FromClient.WriteAsync(fromClient);
        await connection.FromClient.CompleteAsync();
        await connection.FromBackend.WriteAsync(fromBackend);
        await connection.FromBackend.CompleteAsync();

        // Returning is the clean close; the outputs the protocol left open end with the run.
        await protocol.RunAsync(connection).WaitAsync(TestTimeouts.Network);
        await ((IDuplexPipe)connection.Client).Output.CompleteAsync();
        await ((IDuplexPipe)connection.Backend).Output.CompleteAsync();
        return (await clientGot.WaitAsync(TestTimeouts.Network), await backendGot.WaitAsync(TestTimeouts.Network));
    }

    /// <summary>How many bytes <paramref name="reader"/> yields up to its end, without keeping them.</summary>
    public static async Task<long> DrainAsync(PipeReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        long total = 0;
        while (true)
        {
            var result = await reader.ReadAsync();
            total += result.Buffer.Length;
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return total;
            }
        }
    }

    /// <summary>Everything <paramref name="reader"/> yields up to its end.</summary>
    public static async Task<byte[]> ReadAllAsync(PipeReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var all = new MemoryStream();
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                all.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return all.ToArray();
            }
        }
    }
}
