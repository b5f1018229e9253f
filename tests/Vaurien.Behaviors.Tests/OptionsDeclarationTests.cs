using Vaurien.Testing.Behaviors;

namespace Vaurien.Behaviors.Tests;

public class OptionsDeclarationTests
{
    [Theory]
    [InlineData("delay", typeof(DelayOptions))]
    [InlineData("error", typeof(ErrorOptions))]
    [InlineData("transient", typeof(TransientOptions))]
    [InlineData("dummy", typeof(NoOptions))]
    [InlineData("hang", typeof(NoOptions))]
    [InlineData("blackout", typeof(NoOptions))]
    [InlineData("abort", typeof(NoOptions))]
    public void OptionsTypeOf_EachBehavior_IsItsDeclaredRecord(string name, Type expected)
    {
        var behaviorType = BuiltInBehaviors.Get(name).GetType();

        Assert.Equal(expected, OptionBinder.OptionsTypeOf(behaviorType));
    }

    [Theory]
    [InlineData(typeof(DelayOptions), "before=true,sleep=1")]
    [InlineData(typeof(ErrorOptions), "inject=false,warmup=0")]
    [InlineData(typeof(TransientOptions), "agitate=1,inject=false")]
    [InlineData(typeof(NoOptions), "")]
    public void Describe_EachOptionsRecord_HasVaurienNamesAndDefaults(Type optionsType, string expected)
    {
        var options = OptionBinder.Describe(optionsType);

        Assert.Equal(expected, string.Join(",", options.Select(o => $"{o.Name}={o.DefaultText}")));
    }

    [Theory]
    [InlineData(typeof(DelayOptions))]
    [InlineData(typeof(ErrorOptions))]
    [InlineData(typeof(TransientOptions))]
    public void Describe_EveryOption_EndsWithItsDefaultTheKestrelWay(Type optionsType)
    {
        var options = OptionBinder.Describe(optionsType);

        Assert.NotEmpty(options);
        Assert.All(options, o => Assert.EndsWith($". Defaults to {o.DefaultText}.", o.Description, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(typeof(DelayOptions), "sleep", "0 to 86400")]
    [InlineData(typeof(DelayOptions), "before", null)]
    [InlineData(typeof(ErrorOptions), "warmup", "at least 0")]
    [InlineData(typeof(ErrorOptions), "inject", null)]
    [InlineData(typeof(TransientOptions), "agitate", "at least 0")]
    [InlineData(typeof(TransientOptions), "inject", null)]
    public void Describe_EachOption_DeclaresItsRange(Type optionsType, string name, string? constraint)
    {
        var option = Assert.Single(OptionBinder.Describe(optionsType), o => o.Name == name);

        Assert.Equal(constraint, option.ConstraintText);
    }

    [Fact]
    public void TryBind_NoValues_EqualsTheRecordDefaults()
    {
        Assert.True(OptionBinder.TryBind<DelayOptions>([], out var delay, out _));
        Assert.True(OptionBinder.TryBind<ErrorOptions>([], out var error, out _));
        Assert.True(OptionBinder.TryBind<TransientOptions>([], out var transient, out _));

        Assert.Equal(new DelayOptions(), delay);
        Assert.Equal(new ErrorOptions(), error);
        Assert.Equal(new TransientOptions(), transient);
    }

    [Theory]
    [InlineData("sleep")]
    [InlineData("warmup")]
    public void Rejects_OptionOnBehaviorWithoutOptions(string name)
    {
        Assert.False(OptionBinder.TryBind<NoOptions>(name, "1", out _, out var errors));

        Assert.Contains("takes no options", Assert.Single(errors), StringComparison.Ordinal);
    }
}
