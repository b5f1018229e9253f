using TomlDecoder;
using Vaurien.Toml;

// toml-test decoder: TOML on stdin; tagged JSON on stdout and exit 0, or the error on stderr and exit 1.
using var input = new MemoryStream();
using (var stdin = Console.OpenStandardInput())
{
    stdin.CopyTo(input);
}

if (!TomlParser.TryParse(input.GetBuffer().AsSpan(0, (int)input.Length), null, out var document, out var error))
{
    Console.Error.WriteLine(error.Message);
    return 1;
}

// Raw bytes: the console encoding must not re-encode the UTF-8 JSON.
using (var stdout = Console.OpenStandardOutput())
{
    stdout.Write(TaggedJsonEncoder.Encode(document.Root));
    stdout.WriteByte((byte)'\n');
}

return 0;
