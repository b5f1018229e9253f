using System.Net.Sockets;
using System.Security.Cryptography;

namespace Vaurien.Testing.Network;

/// <summary>
/// Both ends of a bulk transfer that proves bytes arrived exactly: the sender streams <see cref="PseudoRandomBytes"/>
/// and hashes what it sent, the receiver hashes what it got. Neither allocates per chunk, so they can run inside an
/// allocation measurement.
/// </summary>
public static class HashedTraffic
{
    /// <summary>The size of each send and receive.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>Sends <paramref name="size"/> bytes of the stream seeded with <paramref name="seed"/>, then FIN.</summary>
    /// <param name="socket">The sending socket.</param>
    /// <param name="seed">Picks the stream.</param>
    /// <param name="size">How many bytes to send.</param>
    /// <param name="progress">Called after each send with the count so far (keep it allocation-free).</param>
    /// <param name="cancellationToken">Ends the sending.</param>
    /// <returns>The SHA-256 of what was sent.</returns>
    public static async Task<byte[]> SendAsync(Socket socket, ulong seed, long size, Action<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var source = new PseudoRandomBytes(seed);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ChunkSize];
        for (var sent = 0L; sent < size;)
        {
            var chunk = buffer.AsMemory(0, (int)Math.Min(ChunkSize, size - sent));
            source.Fill(chunk.Span);
            hash.AppendData(chunk.Span);
            sent += chunk.Length;
            while (!chunk.IsEmpty)
            {
                chunk = chunk[await socket.SendAsync(chunk, SocketFlags.None, cancellationToken)..];
            }

            progress?.Invoke(sent);
        }

        socket.Shutdown(SocketShutdown.Send);
        return hash.GetHashAndReset();
    }

    /// <summary>Receives until FIN.</summary>
    /// <param name="socket">The receiving socket.</param>
    /// <param name="progress">Called after each receive with the count so far (keep it allocation-free).</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>How many bytes arrived and their SHA-256.</returns>
    public static async Task<(long Count, byte[] Hash)> ReceiveAsync(Socket socket, Action<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ChunkSize];
        var count = 0L;
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (received == 0)
            {
                return (count, hash.GetHashAndReset());
            }

            hash.AppendData(buffer.AsSpan(0, received));
            count += received;
            progress?.Invoke(count);
        }
    }

    /// <summary>The SHA-256 of the first <paramref name="size"/> bytes of the stream seeded with <paramref name="seed"/>.</summary>
    public static byte[] HashOf(ulong seed, long size)
    {
        var source = new PseudoRandomBytes(seed);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ChunkSize];
        for (var done = 0L; done < size;)
        {
            var chunk = buffer.AsSpan(0, (int)Math.Min(ChunkSize, size - done));
            source.Fill(chunk);
            hash.AppendData(chunk);
            done += chunk.Length;
        }

        return hash.GetHashAndReset();
    }
}
