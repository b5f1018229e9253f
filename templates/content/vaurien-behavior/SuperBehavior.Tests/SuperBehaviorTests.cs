using System.Reflection;
using Vaurien;

namespace My.Namespace.Tests;

public class SuperBehaviorTests
{
    // The host calls the behavior through IBehavior, with its options in the context: so do the tests.
    private readonly IBehavior _behavior = new SuperBehavior();

    [Fact]
    public void Export_HasTheNameAndADescription()
    {
        var export = typeof(SuperBehavior).GetCustomAttribute<ExportBehaviorAttribute>();
        Assert.NotNull(export);
        Assert.Equal("super", export.Name);
        Assert.False(string.IsNullOrWhiteSpace(export.Description));
    }

    [Fact]
    public void Options_EveryPropertyIsDeclared()
    {
        foreach (var property in typeof(SuperBehaviorOptions).GetProperties())
        {
            Assert.True(property.GetCustomAttribute<OptionAttribute>() is not null, $"{property.Name} has no [Option].");
        }
    }

    [Fact]
    public async Task OnBeforeHandle_Request_WaitsTheLatency()
    {
        var context = new FakeBehaviorContext(new SuperBehaviorOptions { LatencyMs = 250, ErrorPercent = 0 });
        await _behavior.OnBeforeHandle(context);
        Assert.Equal([TimeSpan.FromMilliseconds(250)], context.Delays);
        Assert.Empty(context.Errors);
    }

    [Fact]
    public async Task OnBeforeHandle_DefaultOptions_WaitsTheDefaultLatency()
    {
        var context = new FakeBehaviorContext(options: null);
        await _behavior.OnBeforeHandle(context);
        Assert.Equal([TimeSpan.FromMilliseconds(new SuperBehaviorOptions().LatencyMs)], context.Delays);
    }

    [Fact]
    public async Task OnBeforeHandle_ErrorPercent100_RepliesWithTheProtocolError()
    {
        var context = new FakeBehaviorContext(new SuperBehaviorOptions { LatencyMs = 0, ErrorPercent = 100, ErrorMessage = "overloaded" });
        await _behavior.OnBeforeHandle(context);
        Assert.Equal(["overloaded"], context.Errors);
        Assert.Empty(context.Delays);
    }

    [Fact]
    public async Task OnBeforeHandle_ErrorPercent0_NeverFails()
    {
        var options = new SuperBehaviorOptions { LatencyMs = 0, ErrorPercent = 0 };
        for (var seed = 0; seed < 500; seed++)
        {
            var context = new FakeBehaviorContext(options, seed: seed);
            await _behavior.OnBeforeHandle(context);
            Assert.Empty(context.Errors);
        }
    }

    [Fact]
    public async Task OnBeforeHandle_ErrorPercent25_FailsAboutAQuarterOfRequests()
    {
        var options = new SuperBehaviorOptions { LatencyMs = 0, ErrorPercent = 25 };
        var failed = 0;
        for (var seed = 0; seed < 2000; seed++)
        {
            var context = new FakeBehaviorContext(options, seed: seed);
            await _behavior.OnBeforeHandle(context);
            failed += context.Errors.Count;
        }

        // Seeded, so the count is fixed; the bounds only say "about a quarter".
        Assert.InRange(failed, 400, 600);
    }

    [Fact]
    public async Task OnBeforeHandle_Response_PassesUntouched()
    {
        var context = new FakeBehaviorContext(new SuperBehaviorOptions { ErrorPercent = 100 }, Direction.ToClient);
        await _behavior.OnBeforeHandle(context);
        Assert.Empty(context.Delays);
        Assert.Empty(context.Errors);
        Assert.Null(context.ReplacedData);
    }

    [Fact]
    public async Task OnBeforeHandle_ConnectionClosesDuringLatency_SendsNoError()
    {
        var context = new FakeBehaviorContext(new SuperBehaviorOptions { LatencyMs = 1000, ErrorPercent = 100 }) { CloseDuringDelays = true };
        await _behavior.OnBeforeHandle(context);
        Assert.Single(context.Delays);
        Assert.Empty(context.Errors);
    }

    [Fact]
    public async Task OnAfterHandle_DoesNothing()
    {
        var context = new FakeBehaviorContext(new SuperBehaviorOptions { ErrorPercent = 100 });
        await _behavior.OnAfterHandle(context);
        Assert.Empty(context.Delays);
        Assert.Empty(context.Errors);
        Assert.False(context.WasClosed || context.WasReset || context.WasHung);
    }
}
