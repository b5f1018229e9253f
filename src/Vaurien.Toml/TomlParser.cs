using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Unicode;

namespace Vaurien.Toml;

/// <summary>Parses TOML 1.0.0 documents. Every error is a <see cref="TomlException"/> carrying line and column.</summary>
public static class TomlParser
{
    /// <summary>
    /// How deeply tables and arrays may nest (the root table is depth 0). Deeper documents are rejected
    /// with an error rather than risking the stack.
    /// </summary>
    public const int MaxNestingDepth = 128;

    /// <summary>Parses a document held in a string.</summary>
    /// <param name="text">The TOML text; a leading byte-order mark is ignored.</param>
    /// <param name="sourceName">A file name or label for error messages, such as <c>config.toml</c>.</param>
    /// <exception cref="TomlException">The text is not valid TOML 1.0.0.</exception>
    public static TomlDocument Parse(string text, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new TomlReader(text, sourceName).Read();
    }

    /// <summary>Parses a document held in UTF-8 bytes; invalid UTF-8 is an error.</summary>
    /// <param name="utf8">The TOML bytes; a leading UTF-8 byte-order mark is ignored.</param>
    /// <param name="sourceName">A file name or label for error messages, such as <c>config.toml</c>.</param>
    /// <exception cref="TomlException">The bytes are not valid UTF-8 or not valid TOML 1.0.0.</exception>
    public static TomlDocument Parse(ReadOnlySpan<byte> utf8, string? sourceName = null) =>
        Parse(DecodeUtf8(utf8, sourceName), sourceName);

    /// <summary>Reads and parses a UTF-8 file; error messages name it by <paramref name="path"/> as given.</summary>
    /// <exception cref="TomlException">The file is not valid UTF-8 or not valid TOML 1.0.0.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static TomlDocument ParseFile(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Parses a document held in a string, returning the first error instead of throwing it.</summary>
    public static bool TryParse(
        string text,
        string? sourceName,
        [NotNullWhen(true)] out TomlDocument? document,
        [NotNullWhen(false)] out TomlException? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            document = Parse(text, sourceName);
            error = null;
            return true;
        }
        catch (TomlException exception)
        {
            document = null;
            error = exception;
            return false;
        }
    }

    /// <summary>Parses a document held in UTF-8 bytes, returning the first error instead of throwing it.</summary>
    public static bool TryParse(
        ReadOnlySpan<byte> utf8,
        string? sourceName,
        [NotNullWhen(true)] out TomlDocument? document,
        [NotNullWhen(false)] out TomlException? error)
    {
        try
        {
            document = Parse(utf8, sourceName);
            error = null;
            return true;
        }
        catch (TomlException exception)
        {
            document = null;
            error = exception;
            return false;
        }
    }

    private static string DecodeUtf8(ReadOnlySpan<byte> utf8, string? sourceName)
    {
        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(utf8.Length, 1));
        try
        {
            // Strict decoding: overlong forms, encoded surrogates and truncated sequences are all rejected.
            var status = Utf8.ToUtf16(utf8, buffer, out var bytesRead, out var charsWritten, replaceInvalidSequences: false);
            if (status != OperationStatus.Done)
            {
                var prefix = new string(buffer, 0, charsWritten);
                var position = new LineMap(prefix).GetPosition(prefix.Length);
                throw new TomlException($"invalid UTF-8 byte 0x{utf8[bytesRead]:X2}", position, sourceName);
            }

            return new string(buffer, 0, charsWritten);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
