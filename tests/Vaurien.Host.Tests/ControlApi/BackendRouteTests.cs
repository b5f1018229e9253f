using System.Net;
using Vaurien.Host.Configuration;
using Xunit;

namespace Vaurien.Host.ControlApi.Tests;

/// <summary>GET/PUT/POST /backend.</summary>
public class BackendRouteTests
{
    [Fact]
    public async Task GetBackend_ReturnsHostPort()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.GetAsync("/backend"));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/json", response.MediaType);
        Assert.Equal("""{"backend":"127.0.0.1:6379"}""", response.Body);
    }

    [Fact]
    public async Task PutBackend_Valid_ChangesTheBackend()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/backend", """{"backend": "127.0.0.1:6380"}"""));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("""{"status":"ok"}""", response.Body);
        Assert.Equal(new HostPort("127.0.0.1", 6380), api.State.Backend);
        Assert.Equal("""{"backend":"127.0.0.1:6380"}""", (await ApiResponse.ReadAsync(api.GetAsync("/backend"))).Body);
    }

    [Fact]
    public async Task PostBackend_WorksAsPut()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.SendAsync(HttpMethod.Post, "/backend", """{"backend": "[::1]:6390"}""", "text/plain"));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(new HostPort("::1", 6390), api.State.Backend);
    }

    [Theory]
    [InlineData("nowhere")]
    [InlineData("localhost:")]
    [InlineData("localhost:99999")]
    [InlineData("localhost:0")]
    [InlineData("::1:80")]
    [InlineData(":80")]
    public async Task PutBackend_BadAddress_Is400OnBackend(string backend)
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/backend", $$"""{"backend": "{{backend}}"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal([("body", "backend")], response.ErrorFields);
        Assert.Contains(backend, response.Description());
        Assert.Equal(new HostPort("127.0.0.1", 6379), api.State.Backend);
    }

    [Theory]
    [InlineData("""{"host": "localhost:80"}""", "backend")]
    [InlineData("""{"backend": 6380}""", "backend")]
    [InlineData("""["localhost:80"]""", "")]
    [InlineData("localhost:80", "")]
    public async Task PutBackend_BadBody_Is400(string body, string name)
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/backend", body));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal([("body", name)], response.ErrorFields);
    }
}
