using System.Net;
using System.Text.Json;

namespace Vaurien.Host.ControlApi.Tests;

/// <summary>A response read whole: status, media type, raw body and the body parsed.</summary>
internal sealed record ApiResponse(HttpStatusCode Status, string? MediaType, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public static async Task<ApiResponse> ReadAsync(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        return new ApiResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The (location, name) of each error of an error body, in order.</summary>
    public IReadOnlyList<(string Location, string Name)> ErrorFields =>
        Json.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("location").GetString()!, e.GetProperty("name").GetString()!)).ToList();

    public string Description(int index = 0) =>
        Json.GetProperty("errors")[index].GetProperty("description").GetString()!;
}
