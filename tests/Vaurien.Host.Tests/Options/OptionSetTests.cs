using Vaurien.Host.Options;
using Vaurien.Host.Tests.Support;

namespace Vaurien.Host.Options.Tests;

public class OptionSetTests
{
    private static readonly OptionSet Sleepy = OptionSet.For(typeof(SleepyOptions));
    private static readonly OptionSet Failing = OptionSet.For(typeof(FailingOptions));

    [Fact]
    public void For_ReadsDeclarations_NamesTypesDefaultsAndRanges()
    {
        var sleep = Sleepy.Find("sleep")!;
        Assert.Equal("sleep", sleep.Name);
        Assert.Equal(OptionKind.Float, sleep.Kind);
        Assert.Equal(1.0, sleep.Default);
        Assert.Equal("0 to 3600", sleep.ConstraintText);
        Assert.Equal(OptionKind.Bool, Sleepy.Find("before")!.Kind);
        Assert.Equal(["codes", "mode", "warmup"], Failing.Options.Select(o => o.Name));
        Assert.Equal(["soft", "hard_stop"], Failing.Find("mode")!.Choices);
    }

    [Theory]
    [InlineData("KeepAlive", "keep_alive")]
    [InlineData("ReuseSocket", "reuse_socket")]
    [InlineData("Sleep", "sleep")]
    [InlineData("HttpPort", "http_port")]
    [InlineData("SQLState", "sql_state")]
    public void ToSnakeCase_Converts_Mechanically(string pascal, string snake) =>
        Assert.Equal(snake, OptionNames.ToSnakeCase(pascal));

    [Theory]
    [InlineData("sleep", "2", 2.0)]
    [InlineData("sleep", 2L, 2.0)]
    [InlineData("sleep", 0.25, 0.25)]
    [InlineData("sleep", "0", 0.0)]
    [InlineData("sleep", "3600", 3600.0)]
    public void Accepts_SleepWithinRange(string name, object raw, double expected)
    {
        var errors = new List<OptionError>();
        var bound = (SleepyOptions)Sleepy.Bind([KeyValuePair.Create(name, (object?)raw)], null, errors);
        Assert.Empty(errors);
        Assert.Equal(expected, bound.Sleep);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("3600.5")]
    [InlineData("abc")]
    [InlineData(true)]
    [InlineData("NaN")]
    public void Rejects_SleepOutOfRangeOrNotANumber(object raw)
    {
        var errors = new List<OptionError>();
        Sleepy.Bind([KeyValuePair.Create("sleep", (object?)raw)], null, errors);
        var error = Assert.Single(errors);
        Assert.Equal("sleep", error.Option);
        Assert.Contains("option 'sleep' must be a number (0 to 3600)", error.Message);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("yes", true)]
    [InlineData("on", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    public void Accepts_BoolSpellings(string raw, bool expected)
    {
        var errors = new List<OptionError>();
        var bound = (SleepyOptions)Sleepy.Bind([KeyValuePair.Create("before", (object?)raw)], null, errors);
        Assert.Empty(errors);
        Assert.Equal(expected, bound.Before);
    }

    [Fact]
    public void Rejects_UnknownOption_ListingValidOnes()
    {
        var errors = new List<OptionError>();
        Sleepy.Bind([KeyValuePair.Create("slep", (object?)"1")], null, errors);
        Assert.Equal("unknown option 'slep' (valid options: before, sleep)", Assert.Single(errors).Message);
    }

    [Fact]
    public void Bind_ReportsEveryBadValue_AndKeepsTheGoodOnes()
    {
        var errors = new List<OptionError>();
        var bound = (FailingOptions)Failing.Bind(
            [KeyValuePair.Create("warmup", (object?)"-3"), KeyValuePair.Create("codes", (object?)"502, 503"), KeyValuePair.Create("mode", (object?)"loud")],
            null,
            errors);
        Assert.Equal(["warmup", "mode"], errors.Select(e => e.Option));
        Assert.Equal([502, 503], bound.Codes);
        Assert.Equal(0, bound.Warmup);
    }

    [Theory]
    [InlineData("hard_stop", FailureMode.HardStop)]
    [InlineData("HardStop", FailureMode.HardStop)]
    [InlineData("soft", FailureMode.Soft)]
    public void Accepts_ChoiceBySnakeOrPascalName(string raw, FailureMode expected)
    {
        var errors = new List<OptionError>();
        var bound = (FailingOptions)Failing.Bind([KeyValuePair.Create("mode", (object?)raw)], null, errors);
        Assert.Empty(errors);
        Assert.Equal(expected, bound.Mode);
    }

    [Fact]
    public void Rejects_ListElementOutOfRange()
    {
        var errors = new List<OptionError>();
        Failing.Bind([KeyValuePair.Create("codes", (object?)new List<object?> { 500L, 99L })], null, errors);
        Assert.Contains("option 'codes' must be a list of whole numbers (100 to 599), got 99", Assert.Single(errors).Message);
    }

    [Fact]
    public void Bind_StartsFromBaseline_WithoutChangingIt()
    {
        var baseline = new SleepyOptions { Sleep = 5, Before = false };
        var errors = new List<OptionError>();
        var bound = (SleepyOptions)Sleepy.Bind([KeyValuePair.Create("sleep", (object?)"2")], baseline, errors);
        Assert.Equal(2, bound.Sleep);
        Assert.False(bound.Before);
        Assert.Equal(5, baseline.Sleep);
    }

    [Fact]
    public void ForExtension_FindsTheOptionsOfBehaviorAndProtocolBaseClasses()
    {
        Assert.Equal(typeof(SleepyOptions), OptionSet.ForExtension(typeof(SleepyBehavior)).OptionsType);
        Assert.Equal(typeof(PlainOptions), OptionSet.ForExtension(typeof(PlainProtocol)).OptionsType);
        Assert.Equal(["buffer", "keep_alive", "reuse_socket"], OptionSet.ForExtension(typeof(PlainProtocol)).Options.Select(o => o.Name));
    }
}
