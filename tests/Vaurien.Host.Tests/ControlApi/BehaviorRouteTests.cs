using System.Net;
using Vaurien.Host.Proxy;
using Vaurien.Host.Tests.Support;
using Xunit;

namespace Vaurien.Host.ControlApi.Tests;

/// <summary>GET/PUT/POST /behavior and GET /behaviors, with Vaurien's JSON shapes, spoken to with raw HTTP.</summary>
public class BehaviorRouteTests
{
    [Fact]
    public async Task GetBehavior_Default_ReturnsNameAsJson()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.GetAsync("/behavior"));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/json", response.MediaType);
        Assert.Equal("""{"behavior":"dummy"}""", response.Body);
    }

    [Fact]
    public async Task GetBehavior_WeightedPolicy_ReturnsVaurienNotation()
    {
        await using var api = await RunningControlApi.StartAsync(policy: "20:delay");

        var response = await ApiResponse.ReadAsync(api.GetAsync("/behavior"));

        Assert.Equal("""{"behavior":"20:delay,80:dummy"}""", response.Body);
    }

    [Fact]
    public async Task GetBehaviors_ListsEveryBehaviorSorted()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.GetAsync("/behaviors"));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/json", response.MediaType);
        Assert.Equal("""{"behaviors":["delay","dummy","error","fuse"]}""", response.Body);
    }

    [Fact]
    public async Task PutBehavior_NameAndOption_SetsThatBehaviorAlone()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", """{"name": "delay", "sleep": 2}""", "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/json", response.MediaType);
        Assert.Equal("""{"status":"ok"}""", response.Body);
        var active = Assert.IsType<BehaviorActivation>(api.State.Policy.Single);
        Assert.Equal("delay", active.Name);
        Assert.Equal(new SleepyOptions { Sleep = 2, Before = true }, active.Options);
        Assert.Equal("""{"behavior":"delay"}""", (await ApiResponse.ReadAsync(api.GetAsync("/behavior"))).Body);
    }

    [Fact]
    public async Task PostBehavior_WorksAsPut()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.SendAsync(HttpMethod.Post, "/behavior", """{"sleep": 3, "name": "delay"}""", "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(3, ((SleepyOptions)api.State.Policy.Single!.Options).Sleep);
    }

    [Fact]
    public async Task PutBehavior_NoContentType_IsReadAsJson()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", """{"name": "delay", "sleep": 2}""", contentType: null));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("delay", api.State.Policy.ToString());
    }

    [Fact]
    public async Task PutBehavior_TextPlain_IsReadAsJson()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", """{"name": "delay"}""", "text/plain"));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("delay", api.State.Policy.ToString());
    }

    [Fact]
    public async Task PutBehavior_FormContentType_IsReadAsJson()
    {
        // curl -d sends application/x-www-form-urlencoded unless told otherwise.
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", """{"name": "error"}""", "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("error", api.State.Policy.ToString());
    }

    [Fact]
    public async Task PutBehavior_OptionsApplyOverConfiguredOptions()
    {
        var configured = new Dictionary<string, object> { ["delay"] = new SleepyOptions { Sleep = 5, Before = false } };
        await using var api = await RunningControlApi.StartAsync(configured);

        await ApiResponse.ReadAsync(api.PutAsync("/behavior", """{"name": "delay", "sleep": 2}"""));
        var withSleep = (SleepyOptions)api.State.Policy.Single!.Options;
        await ApiResponse.ReadAsync(api.PutAsync("/behavior", """{"name": "delay"}"""));
        var plain = (SleepyOptions)api.State.Policy.Single!.Options;

        Assert.Equal(new SleepyOptions { Sleep = 2, Before = false }, withSleep);
        Assert.Equal(new SleepyOptions { Sleep = 5, Before = false }, plain);
    }

    [Fact]
    public async Task PutBehavior_SameName_StartsANewCount()
    {
        await using var api = await RunningControlApi.StartAsync();
        await ApiResponse.ReadAsync(api.PutAsync("/behavior", """{"name": "error", "warmup": 2}"""));
        var first = api.State.Policy.Single!;
        first.NextCall();
        first.NextCall();

        await ApiResponse.ReadAsync(api.PutAsync("/behavior", """{"name": "error", "warmup": 2}"""));
        var second = api.State.Policy.Single!;

        Assert.NotSame(first, second);
        Assert.Equal(2, first.Calls);
        Assert.Equal(0, second.Calls);
    }

    [Fact]
    public async Task PutBehavior_FullTypeName_SetsThatBehavior()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", $$"""{"name": "{{typeof(SleepyBehavior).FullName}}", "sleep": 1}"""));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("delay", api.State.Policy.ToString());
    }

    [Fact]
    public async Task PutBehavior_PolicyAsName_RestoresAWeightedPolicy()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", """{"name": "20:delay,80:dummy"}"""));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("""{"behavior":"20:delay,80:dummy"}""", (await ApiResponse.ReadAsync(api.GetAsync("/behavior"))).Body);
    }

    [Fact]
    public async Task PutBehavior_PolicyWithOptions_IsRefused()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", """{"name": "20:delay", "sleep": 2}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal([("body", "sleep")], response.ErrorFields);
        Assert.Equal("dummy", api.State.Policy.ToString());
    }

    [Fact]
    public async Task PutBehavior_UnknownName_Is400ListingValidNames()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", """{"name": "dlay"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/json", response.MediaType);
        Assert.Equal(
            """{"status":"error","errors":[{"location":"body","name":"name","description":"Unknown behavior 'dlay'. Valid behaviors: delay, dummy, error, fuse."}]}""",
            response.Body);
        Assert.Equal("dummy", api.State.Policy.ToString());
    }

    [Theory]
    [InlineData("""{"name": "delay", "sleep": 2""")]
    [InlineData("""{name: "delay"}""")]
    [InlineData("name=delay&sleep=2")]
    [InlineData("")]
    public async Task PutBehavior_BodyNotJson_Is400OnTheBody(string body)
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", body, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("error", response.Json.GetProperty("status").GetString());
        Assert.Equal([("body", "")], response.ErrorFields);
        Assert.Contains("not valid JSON", response.Description());
    }

    [Fact]
    public async Task PutBehavior_NoBodyAtAll_Is400OnTheBody()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", body: null));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal([("body", "")], response.ErrorFields);
    }

    [Theory]
    [InlineData("""["delay"]""", "an array")]
    [InlineData("\"delay\"", "a string")]
    [InlineData("42", "a number")]
    [InlineData("null", "null")]
    public async Task PutBehavior_BodyNotAnObject_Is400OnTheBody(string body, string described)
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", body));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal([("body", "")], response.ErrorFields);
        Assert.Contains("must be a JSON object", response.Description());
        Assert.Contains(described, response.Description());
    }

    [Fact]
    public async Task PutBehavior_MissingName_Is400WithEmptyName()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", """{"sleep": 2}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal([("body", "")], response.ErrorFields);
        Assert.Contains("name of the behavior is missing", response.Description());
    }

    [Theory]
    [InlineData("""{"name": 5}""")]
    [InlineData("""{"name": ""}""")]
    [InlineData("""{"name": null}""")]
    [InlineData("""{"name": ["delay"]}""")]
    public async Task PutBehavior_NameNotAString_Is400OnName(string body)
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", body));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal([("body", "name")], response.ErrorFields);
    }

    [Theory]
    [InlineData("sleep", "\"soon\"", "must be a number (0 to 3600), got 'soon'")]
    [InlineData("sleep", "true", "must be a number (0 to 3600)")]
    [InlineData("sleep", "-1", "must be a number (0 to 3600), got -1")]
    [InlineData("sleep", "3601", "must be a number (0 to 3600), got 3601")]
    [InlineData("before", "\"maybe\"", "must be true or false, got 'maybe'")]
    [InlineData("before", "2", "must be true or false")]
    [InlineData("slep", "2", "unknown option 'slep' (valid options: before, sleep)")]
    public async Task PutBehavior_BadOption_Is400NamingTheOption(string option, string value, string message)
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", $$"""{"name": "delay", "{{option}}": {{value}}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal([("body", option)], response.ErrorFields);
        Assert.Contains(message, response.Description());
        Assert.Equal("dummy", api.State.Policy.ToString());
    }

    [Theory]
    [InlineData("sleep", "\"2.5\"", 2.5)]
    [InlineData("sleep", "0", 0.0)]
    [InlineData("sleep", "3600", 3600.0)]
    public async Task PutBehavior_OptionInRange_IsAccepted(string option, string value, double sleep)
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", $$"""{"name": "delay", "{{option}}": {{value}}}"""));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(sleep, ((SleepyOptions)api.State.Policy.Single!.Options).Sleep);
    }

    [Fact]
    public async Task PutBehavior_SeveralBadOptions_ReportsEveryOne()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", """{"name": "error", "warmup": -1, "codes": [500, 700], "mode": "loud", "colour": "red"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal([("body", "warmup"), ("body", "codes"), ("body", "mode"), ("body", "colour")], response.ErrorFields);
        Assert.Contains("got 700", response.Description(1));
        Assert.Contains("one of soft, hard_stop", response.Description(2));
        Assert.Equal("dummy", api.State.Policy.ToString());
    }

    [Fact]
    public async Task PutBehavior_ListAndChoiceOptions_AreConverted()
    {
        await using var api = await RunningControlApi.StartAsync();

        var response = await ApiResponse.ReadAsync(api.PutAsync("/behavior", """{"name": "error", "warmup": 3, "codes": [502], "mode": "hard_stop"}"""));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var options = (FailingOptions)api.State.Policy.Single!.Options;
        Assert.Equal(3, options.Warmup);
        Assert.Equal([502], options.Codes);
        Assert.Equal(FailureMode.HardStop, options.Mode);
    }

    [Fact]
    public async Task PutBehavior_Change_IsLogged()
    {
        await using var api = await RunningControlApi.StartAsync();

        await ApiResponse.ReadAsync(api.PutAsync("/behavior", """{"name": "delay", "sleep": 2}"""));

        Assert.Contains(api.Log.Entries, e => e.Message == "Behavior changed to delay through the API with sleep=2");
    }

    [Fact]
    public async Task Handler_OlderRoutes_AnswerAsBehaviorRoutes()
    {
        await using var api = await RunningControlApi.StartAsync();

        var get = await ApiResponse.ReadAsync(api.GetAsync("/handler"));
        var put = await ApiResponse.ReadAsync(api.PutAsync("/handler", """{"name": "delay", "sleep": 2}"""));
        var after = await ApiResponse.ReadAsync(api.GetAsync("/handler"));
        var list = await ApiResponse.ReadAsync(api.GetAsync("/handlers"));
        var post = await ApiResponse.ReadAsync(api.SendAsync(HttpMethod.Post, "/handler", """{"name": "dummy"}"""));
        var unknown = await ApiResponse.ReadAsync(api.PutAsync("/handler", """{"name": "dlay"}"""));

        Assert.Equal("""{"handler":"dummy"}""", get.Body);
        Assert.Equal("""{"status":"ok"}""", put.Body);
        Assert.Equal("""{"handler":"delay"}""", after.Body);
        Assert.Equal("""{"handlers":["delay","dummy","error","fuse"]}""", list.Body);
        Assert.Equal(HttpStatusCode.OK, post.Status);
        Assert.Equal("dummy", api.State.Policy.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal([("body", "name")], unknown.ErrorFields);
    }
}
