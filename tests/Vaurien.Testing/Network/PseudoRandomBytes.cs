namespace Vaurien.Testing.Network;

/// <summary>
/// A reproducible, fast stream of bytes (xorshift64*) whose content depends on its position, so a reordered,
/// lost or repeated chunk changes the hash of what was received.
/// </summary>
public sealed class PseudoRandomBytes(ulong seed)
{
    private ulong _state = seed == 0 ? 0x9E3779B97F4A7C15UL : seed;

    /// <summary>Fills <paramref name="buffer"/> with the next bytes of the stream.</summary>
    public void Fill(Span<byte> buffer)
    {
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(buffer);
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = Next();
        }

        for (var i = words.Length * sizeof(ulong); i < buffer.Length; i++)
        {
            buffer[i] = (byte)Next();
        }
    }

    private ulong Next()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return _state * 0x2545F4914F6CDD1DUL;
    }
}
