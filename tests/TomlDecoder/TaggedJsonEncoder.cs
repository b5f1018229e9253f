using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Vaurien.Toml;

namespace TomlDecoder;

/// <summary>
/// Writes a parsed TOML table as toml-test's "tagged JSON": tables are objects, arrays are arrays and every
/// scalar is <c>{"type": T, "value": S}</c> with S always a string.
/// </summary>
public static class TaggedJsonEncoder
{
    /// <summary>Encodes <paramref name="table"/> as indented UTF-8 JSON.</summary>
    public static byte[] Encode(TomlTable table)
    {
        using var stream = new MemoryStream();

        // The default depth of 1000 exceeds what the parser accepts (TomlParser.MaxNestingDepth).
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,

            // Readable output: JSON only requires quotes, backslashes and control characters escaped.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            Write(writer, table);
        }

        return stream.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, TomlValue value)
    {
        switch (value)
        {
            case TomlTable table:
                writer.WriteStartObject();
                foreach (var (key, item) in table)
                {
                    writer.WritePropertyName(key);
                    Write(writer, item);
                }

                writer.WriteEndObject();
                break;
            case TomlArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case TomlString text:
                WriteScalar(writer, "string", text.Value);
                break;
            case TomlInteger integer:
                WriteScalar(writer, "integer", integer.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case TomlFloat number:
                WriteScalar(writer, "float", number.ToString());
                break;
            case TomlBoolean boolean:
                WriteScalar(writer, "bool", boolean.ToString());
                break;
            case TomlDateTimeValue dateTime:
                WriteScalar(writer, TypeOf(dateTime.Value.Kind), dateTime.Value.ToString());
                break;
            default:
                throw new ArgumentException($"Unknown TOML value type {value.GetType().Name}.", nameof(value));
        }
    }

    private static string TypeOf(TomlDateTimeKind kind) => kind switch
    {
        TomlDateTimeKind.OffsetDateTime => "datetime",
        TomlDateTimeKind.LocalDateTime => "datetime-local",
        TomlDateTimeKind.LocalDate => "date-local",
        _ => "time-local",
    };

    private static void WriteScalar(Utf8JsonWriter writer, string type, string value)
    {
        writer.WriteStartObject();
        writer.WriteString("type", type);
        writer.WriteString("value", value);
        writer.WriteEndObject();
    }
}
