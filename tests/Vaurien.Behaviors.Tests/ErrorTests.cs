using System.Text;
using Vaurien.Testing.Behaviors;
using Vaurien.Testing.Randomness;

namespace Vaurien.Behaviors.Tests;

public class ErrorTests
{
    private readonly IBehavior _error = BuiltInBehaviors.Get("error");

    [Theory]
    [InlineData(Direction.ToBackend)]
    [InlineData(Direction.ToClient)]
    public async Task OnBeforeHandle_DefaultOptions_RepliesWithTheProtocolError(Direction direction)
    {
        // A plain ScriptedRandom throws if drawn: the native error is the protocol's to write, not the behavior's.
        var context = new TestBehaviorContext(random: new ScriptedRandom()).SetDirection(direction).SetData("PING\r\n");

        await context.RunBeforeHandleAsync(_error).WaitAsync(TestLimits.Wait);

        Assert.Equal([null], context.ErrorReplies);
        Assert.Equal(ExchangeOutcome.Answered, context.Outcome);
        Assert.Null(context.ReplacedData);
    }

    [Theory]
    [InlineData(0, 1, true)]
    [InlineData(3, 1, false)]
    [InlineData(3, 3, false)]
    [InlineData(3, 4, true)]
    [InlineData(3, 100, true)]
    public async Task OnBeforeHandle_Warmup_ErrorsOnlyAfterThatManyCalls(int warmup, long callNumber, bool errors)
    {
        var context = new TestBehaviorContext(new ErrorOptions { Warmup = warmup }).SetCallNumber(callNumber);

        await context.RunBeforeHandleAsync(_error).WaitAsync(TestLimits.Wait);

        Assert.Equal(errors ? ExchangeOutcome.Answered : ExchangeOutcome.Forward, context.Outcome);
        Assert.Equal(errors ? new string?[] { null } : [], context.ErrorReplies);
    }

    [Fact]
    public async Task OnBeforeHandle_CallsAcrossConnections_CountByCallNumberNotByInstance()
    {
        var options = new ErrorOptions { Warmup = 2 };
        var outcomes = new List<ExchangeOutcome>();

        // The activation numbers calls across connections; the shared instance keeps no count of its own, so the
        // same call number always gets the same answer.
        foreach (var (connection, callNumber) in new[] { (1L, 1L), (2L, 2L), (1L, 3L), (2L, 2L), (3L, 1L) })
        {
            var context = new TestBehaviorContext(options).SetConnection(new TestConnectionInfo(connection)).SetCallNumber(callNumber);
            await context.RunBeforeHandleAsync(_error).WaitAsync(TestLimits.Wait);
            outcomes.Add(context.Outcome);
        }

        Assert.Equal(
            [ExchangeOutcome.Forward, ExchangeOutcome.Forward, ExchangeOutcome.Answered, ExchangeOutcome.Forward, ExchangeOutcome.Forward],
            outcomes);
    }

    [Fact]
    public async Task OnBeforeHandle_InjectToClient_SplicesExactlyOneHundredScriptedBytesInTheMiddle()
    {
        var noise = Enumerable.Range(0, 100).Select(i => (byte)(0x80 + i)).ToArray();
        var random = new ScriptedRandom().AddBytes(noise);
        var context = new TestBehaviorContext(new ErrorOptions { Inject = true }, random: random)
            .SetDirection(Direction.ToClient)
            .SetData("+OK-DATA\r\n");

        await context.RunBeforeHandleAsync(_error).WaitAsync(TestLimits.Wait);

        var expected = Encoding.ASCII.GetBytes("+OK-D").Concat(noise).Concat(Encoding.ASCII.GetBytes("ATA\r\n")).ToArray();
        Assert.Equal(expected, context.ReplacedData);
        Assert.Equal(100, random.BytesDrawn);
        Assert.Equal(0, random.Remaining);
        Assert.Empty(context.ErrorReplies);
        Assert.Equal(ExchangeOutcome.Forward, context.Outcome);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task OnBeforeHandle_InjectToClient_SplicesSeededBytesAtHalfTheLength(int length)
    {
        var data = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        var context = new TestBehaviorContext(new ErrorOptions { Inject = true }, random: new Random(42))
            .SetDirection(Direction.ToClient)
            .SetData(data.AsMemory());

        await context.RunBeforeHandleAsync(_error).WaitAsync(TestLimits.Wait);

        var noise = new byte[100];
        new Random(42).NextBytes(noise);
        var middle = length / 2;
        var replaced = Assert.IsType<byte[]>(context.ReplacedData);
        Assert.Equal([.. data[..middle], .. noise, .. data[middle..]], replaced);
    }

    [Fact]
    public async Task OnBeforeHandle_InjectIntoMultiSegmentData_KeepsEveryOriginalByteInOrder()
    {
        var context = new TestBehaviorContext(new ErrorOptions { Inject = true }, random: ScriptedRandom.Seeded(7))
            .SetDirection(Direction.ToClient)
            .SetData(Sequences.Segmented([1, 2, 3], [4], [5, 6, 7, 8, 9]));

        await context.RunBeforeHandleAsync(_error).WaitAsync(TestLimits.Wait);

        var replaced = Assert.IsType<byte[]>(context.ReplacedData);
        Assert.Equal(109, replaced.Length);
        Assert.Equal([1, 2, 3, 4], replaced[..4]);
        Assert.Equal([5, 6, 7, 8, 9], replaced[104..]);
    }

    [Fact]
    public async Task OnBeforeHandle_InjectToBackend_LetsTheRequestPass()
    {
        var context = new TestBehaviorContext(new ErrorOptions { Inject = true }, random: new ScriptedRandom())
            .SetDirection(Direction.ToBackend)
            .SetData("GET key\r\n");

        await context.RunBeforeHandleAsync(_error).WaitAsync(TestLimits.Wait);

        Assert.Null(context.ReplacedData);
        Assert.Empty(context.ErrorReplies);
        Assert.Equal(ExchangeOutcome.Forward, context.Outcome);
        Assert.Equal("GET key\r\n", Encoding.ASCII.GetString(context.ForwardedData));
    }

    [Theory]
    [InlineData(Direction.ToBackend)]
    [InlineData(Direction.ToClient)]
    public async Task OnBeforeHandle_InjectOverHttp_RepliesWithTheProtocolErrorInstead(Direction direction)
    {
        var context = new TestBehaviorContext(new ErrorOptions { Inject = true }, random: new ScriptedRandom())
            .SetProtocolName("http")
            .SetDirection(direction)
            .SetData("GET / HTTP/1.1\r\n\r\n");

        await context.RunBeforeHandleAsync(_error).WaitAsync(TestLimits.Wait);

        Assert.Equal([null], context.ErrorReplies);
        Assert.Null(context.ReplacedData);
    }

    [Fact]
    public async Task OnBeforeHandle_InjectWithinWarmup_LetsTheDataPass()
    {
        var context = new TestBehaviorContext(new ErrorOptions { Inject = true, Warmup = 1 }, random: new ScriptedRandom())
            .SetDirection(Direction.ToClient)
            .SetData("+PONG\r\n");

        await context.RunBeforeHandleAsync(_error).WaitAsync(TestLimits.Wait);

        Assert.Null(context.ReplacedData);
        Assert.Equal(ExchangeOutcome.Forward, context.Outcome);
    }

    [Fact]
    public async Task OnAfterHandle_AnyOptions_DoesNothing()
    {
        var context = new TestBehaviorContext(new ErrorOptions { Inject = true }, random: new ScriptedRandom())
            .SetDirection(Direction.ToClient)
            .SetData("+OK\r\n");

        await context.RunAfterHandleAsync(_error).WaitAsync(TestLimits.Wait);

        Assert.Empty(context.ErrorReplies);
        Assert.Null(context.ReplacedData);
        Assert.Equal(ExchangeOutcome.Forward, context.Outcome);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    [InlineData("1000", 1000)]
    [InlineData("2147483647", int.MaxValue)]
    public void Accepts_Warmup(string raw, int expected)
    {
        Assert.True(OptionBinder.TryBind<ErrorOptions>("warmup", raw, out var options, out var errors), string.Join("; ", errors));

        Assert.Equal(expected, options.Warmup);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("2147483648")]
    [InlineData("many")]
    public void Rejects_Warmup(string raw)
    {
        Assert.False(OptionBinder.TryBind<ErrorOptions>("warmup", raw, out _, out var errors));

        Assert.Contains("'warmup'", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Accepts_Inject(string raw, bool expected)
    {
        Assert.True(OptionBinder.TryBind<ErrorOptions>("inject", raw, out var options, out var errors), string.Join("; ", errors));

        Assert.Equal(expected, options.Inject);
    }

    [Theory]
    [InlineData("sometimes")]
    [InlineData("-1")]
    public void Rejects_Inject(string raw)
    {
        Assert.False(OptionBinder.TryBind<ErrorOptions>("inject", raw, out _, out var errors));

        Assert.Contains("'inject'", Assert.Single(errors), StringComparison.Ordinal);
    }
}
