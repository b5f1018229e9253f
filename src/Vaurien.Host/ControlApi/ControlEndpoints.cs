using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Vaurien.Host.ControlApi;

/// <summary>
/// Vaurien's routes: <c>GET/PUT/POST /behavior</c>, <c>GET /behaviors</c>, <c>GET/PUT/POST /backend</c>, and the older
/// <c>/handler</c> and <c>/handlers</c>, which answer with <c>handler</c>/<c>handlers</c> keys.
/// </summary>
internal static class ControlEndpoints
{
    private static readonly string[] ChangeMethods = [HttpMethods.Put, HttpMethods.Post];

    public static IEndpointRouteBuilder MapControlApi(this IEndpointRouteBuilder routes)
    {
        var control = routes.ServiceProvider.GetRequiredService<ProxyControl>();
        foreach (var (one, all) in new[] { ("behavior", "behaviors"), ("handler", "handlers") })
        {
            routes.MapGet("/" + one, context => ControlJson.WriteValueAsync(context, one, control.Behavior));
            routes.MapMethods("/" + one, ChangeMethods, async context =>
            {
                control.SetBehavior(await ReadBodyAsync(context));
                await ControlJson.WriteOkAsync(context);
            });
            routes.MapGet("/" + all, context => ControlJson.WriteListAsync(context, all, control.BehaviorNames));
        }

        routes.MapGet("/backend", context => ControlJson.WriteValueAsync(context, "backend", control.Backend));
        routes.MapMethods("/backend", ChangeMethods, async context =>
        {
            control.SetBackend(await ReadBodyAsync(context));
            await ControlJson.WriteOkAsync(context);
        });
        return routes;
    }

    /// <summary>
    /// The body is JSON whatever its Content-Type says, or with none at all: Vaurien's own client sends none.
    /// </summary>
    private static async Task<JsonElement> ReadBodyAsync(HttpContext context)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            var reason = e.BytePositionInLine is { } column && e.LineNumber is { } line
                ? $" (line {line + 1}, column {column + 1})"
                : "";
            throw ControlRequestException.InBody("", $"the body is not valid JSON{reason}: send a JSON object, e.g. {{\"name\": \"delay\", \"sleep\": 2}}");
        }
    }
}
