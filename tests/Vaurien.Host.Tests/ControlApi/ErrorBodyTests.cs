using System.Net;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Vaurien.Host.ControlApi.Tests;

/// <summary>Every failure answers with the same error body: unknown routes and methods, oversized bodies, crashes.</summary>
public class ErrorBodyTests
{
    [Fact]
    public async Task UnknownRoute_Is404WithTheErrorBody()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.GetAsync("/behaviour"));

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("application/json", response.MediaType);
        Assert.Equal("error", response.Json.GetProperty("status").GetString());
        Assert.Equal([("url", "")], response.ErrorFields);
        Assert.Contains("GET /behaviour", response.Description());
    }

    [Fact]
    public async Task WrongMethod_Is405WithTheErrorBody()
    {
        await using var api = await RunningControlApi.StartAsync();

        using var raw = await api.SendAsync(HttpMethod.Delete, "/behavior", null);
        var response = await ApiResponse.ReadAsync(Task.FromResult(raw));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.Status);
        Assert.Equal(["GET", "POST", "PUT"], raw.Content.Headers.Allow.Order(StringComparer.Ordinal));
        Assert.Equal("application/json", response.MediaType);
        Assert.Equal([("url", "")], response.ErrorFields);
    }

    [Fact]
    public async Task OversizedBody_Is413WithTheErrorBody()
    {
        await using var api = await RunningControlApi.StartAsync();
        var body = $$"""{"name": "delay", "padding": "{{new string('x', (int)ControlServer.MaxRequestBodySize)}}"}""";

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", body, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal([("body", "")], response.ErrorFields);
        Assert.Equal("dummy", api.State.Policy.ToString());
    }

    [Fact]
    public async Task UnexpectedFailure_Is500WithTheErrorBodyAndLogged()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", """{"name": "fuse", "fuse": 1}"""));

        Assert.Equal(HttpStatusCode.InternalServerError, response.Status);
        Assert.Equal("application/json", response.MediaType);
        Assert.Equal("error", response.Json.GetProperty("status").GetString());
        Assert.Equal([("body", "")], response.ErrorFields);
        Assert.StartsWith("internal error:", response.Description());
        Assert.Contains(api.Log.Entries, e => e.Level == LogLevel.Error && e.Message == "The HTTP control API failed on PUT /behavior");
        Assert.Equal("dummy", api.State.Policy.ToString());
    }

    [Fact]
    public async Task AfterAFailure_TheApiStillAnswers()
    {
        await using var api = await RunningControlApi.StartAsync();
        await ApiResponse.ReadAsync(api.PutAsync("/behavior", """{"name": "fuse", "fuse": 1}"""));

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", """{"name": "delay"}"""));

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }
}
