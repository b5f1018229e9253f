using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Vaurien.Host.ControlApi;

/// <summary>
/// Writes the control API's responses in Vaurien's JSON shapes: <c>{"behavior": "dummy"}</c>,
/// <c>{"behaviors": [...]}</c>, <c>{"status": "ok"}</c> and <c>{"status": "error", "errors": [...]}</c>.
/// </summary>
internal static class ControlJson
{
    public const string ContentType = "application/json; charset=utf-8";

    // Plain quotes and ampersands, so curl shows "Unknown behavior 'x'" and not \u0027x\u0027: the body is JSON, never HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteValueAsync(HttpContext context, string key, string value) =>
        WriteAsync(context, StatusCodes.Status200OK, writer => writer.WriteString(key, value));

    public static Task WriteListAsync(HttpContext context, string key, IEnumerable<string> values) =>
        WriteAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartArray(key);
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        });

    public static Task WriteOkAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status200OK, writer => writer.WriteString("status", "ok"));

    public static Task WriteErrorsAsync(HttpContext context, int status, IEnumerable<ControlError> errors) =>
        WriteAsync(context, status, writer =>
        {
            writer.WriteString("status", "error");
            writer.WriteStartArray("errors");
            foreach (var error in errors)
            {
                writer.WriteStartObject();
                writer.WriteString("location", error.Location);
                writer.WriteString("name", error.Name);
                writer.WriteString("description", error.Description);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });

    private static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> writeMembers)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        using (var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions))
        {
            writer.WriteStartObject();
            writeMembers(writer);
            writer.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
