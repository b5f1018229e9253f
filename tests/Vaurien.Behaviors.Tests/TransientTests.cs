using Vaurien.Testing.Behaviors;
using Vaurien.Testing.Randomness;

namespace Vaurien.Behaviors.Tests;

public class TransientTests
{
    private readonly IBehavior _transient = BuiltInBehaviors.Get("transient");

    [Fact]
    public async Task OnBeforeHandle_DefaultOptions_FailsTheFirstCallThenWorks()
    {
        var outcomes = new List<ExchangeOutcome>();
        for (var call = 1L; call <= 3; call++)
        {
            var context = new TestBehaviorContext(random: new ScriptedRandom()).SetCallNumber(call).SetData("PING\r\n");
            await context.RunBeforeHandleAsync(_transient).WaitAsync(TestLimits.Wait);
            outcomes.Add(context.Outcome);
        }

        Assert.Equal([ExchangeOutcome.Answered, ExchangeOutcome.Forward, ExchangeOutcome.Forward], outcomes);
    }

    [Theory]
    [InlineData(0, 1, false)]
    [InlineData(3, 1, true)]
    [InlineData(3, 3, true)]
    [InlineData(3, 4, false)]
    [InlineData(3, 1000, false)]
    public async Task OnBeforeHandle_Agitate_FailsThatManyCalls(int agitate, long callNumber, bool fails)
    {
        var context = new TestBehaviorContext(new TransientOptions { Agitate = agitate }).SetCallNumber(callNumber);

        await context.RunBeforeHandleAsync(_transient).WaitAsync(TestLimits.Wait);

        Assert.Equal(fails ? new string?[] { null } : [], context.ErrorReplies);
        Assert.Equal(fails ? ExchangeOutcome.Answered : ExchangeOutcome.Forward, context.Outcome);
    }

    [Fact]
    public async Task OnBeforeHandle_CallsAcrossConnections_CountByCallNumberNotByInstance()
    {
        var options = new TransientOptions { Agitate = 2 };
        var outcomes = new List<ExchangeOutcome>();

        // Three connections share the behavior; only the activation's call number decides, so a fresh activation
        // (call 1 again) fails again.
        foreach (var (connection, callNumber) in new[] { (1L, 1L), (2L, 2L), (3L, 3L), (1L, 4L), (4L, 1L) })
        {
            var context = new TestBehaviorContext(options).SetConnection(new TestConnectionInfo(connection)).SetCallNumber(callNumber);
            await context.RunBeforeHandleAsync(_transient).WaitAsync(TestLimits.Wait);
            outcomes.Add(context.Outcome);
        }

        Assert.Equal(
            [ExchangeOutcome.Answered, ExchangeOutcome.Answered, ExchangeOutcome.Forward, ExchangeOutcome.Forward, ExchangeOutcome.Answered],
            outcomes);
    }

    [Fact]
    public async Task OnBeforeHandle_InjectWhileAgitating_SplicesOneHundredBytesLikeError()
    {
        var noise = Enumerable.Repeat((byte)0xEE, 100).ToArray();
        var context = new TestBehaviorContext(new TransientOptions { Inject = true }, random: new ScriptedRandom().AddBytes(noise))
            .SetDirection(Direction.ToClient)
            .SetData(new byte[] { 1, 2, 3, 4 }.AsMemory());

        await context.RunBeforeHandleAsync(_transient).WaitAsync(TestLimits.Wait);

        var replaced = Assert.IsType<byte[]>(context.ReplacedData);
        Assert.Equal([1, 2, .. noise, 3, 4], replaced);
        Assert.Empty(context.ErrorReplies);
    }

    [Fact]
    public async Task OnBeforeHandle_InjectAfterAgitating_LetsTheDataPass()
    {
        var context = new TestBehaviorContext(new TransientOptions { Inject = true, Agitate = 1 }, random: new ScriptedRandom())
            .SetDirection(Direction.ToClient)
            .SetCallNumber(2)
            .SetData("+OK\r\n");

        await context.RunBeforeHandleAsync(_transient).WaitAsync(TestLimits.Wait);

        Assert.Null(context.ReplacedData);
        Assert.Equal(ExchangeOutcome.Forward, context.Outcome);
    }

    [Fact]
    public async Task OnBeforeHandle_InjectOverHttp_RepliesWithTheProtocolErrorInstead()
    {
        var context = new TestBehaviorContext(new TransientOptions { Inject = true }, random: new ScriptedRandom())
            .SetProtocolName("http")
            .SetDirection(Direction.ToClient)
            .SetData("HTTP/1.1 200 OK\r\n\r\n");

        await context.RunBeforeHandleAsync(_transient).WaitAsync(TestLimits.Wait);

        Assert.Equal([null], context.ErrorReplies);
        Assert.Null(context.ReplacedData);
    }

    [Fact]
    public async Task OnAfterHandle_WhileAgitating_DoesNothing()
    {
        var context = new TestBehaviorContext(new TransientOptions { Agitate = 5 });

        await context.RunAfterHandleAsync(_transient).WaitAsync(TestLimits.Wait);

        Assert.Empty(context.ErrorReplies);
        Assert.Equal(ExchangeOutcome.Forward, context.Outcome);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    [InlineData("50", 50)]
    public void Accepts_Agitate(string raw, int expected)
    {
        Assert.True(OptionBinder.TryBind<TransientOptions>("agitate", raw, out var options, out var errors), string.Join("; ", errors));

        Assert.Equal(expected, options.Agitate);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("0.5")]
    [InlineData("lots")]
    public void Rejects_Agitate(string raw)
    {
        Assert.False(OptionBinder.TryBind<TransientOptions>("agitate", raw, out _, out var errors));

        Assert.Contains("'agitate'", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("off", false)]
    public void Accepts_Inject(string raw, bool expected)
    {
        Assert.True(OptionBinder.TryBind<TransientOptions>("inject", raw, out var options, out var errors), string.Join("; ", errors));

        Assert.Equal(expected, options.Inject);
    }

    [Theory]
    [InlineData("warmup")]
    [InlineData("sleep")]
    public void Rejects_OptionsTransientDoesNotHave(string name)
    {
        Assert.False(OptionBinder.TryBind<TransientOptions>(name, "1", out _, out var errors));

        Assert.Contains($"unknown option '{name}'", Assert.Single(errors), StringComparison.Ordinal);
    }
}
