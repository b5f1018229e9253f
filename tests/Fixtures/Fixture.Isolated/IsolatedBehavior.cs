using Newtonsoft.Json;
using Vaurien;

namespace Fixture.Isolated;

/// <summary>A public behavior that reports which Newtonsoft.Json its load context resolved.</summary>
[ExportBehavior("isolated", Description = "Uses Newtonsoft.Json 12.")]
public sealed class IsolatedBehavior : IBehavior
{
    /// <summary>The version of the Newtonsoft.Json assembly this plugin runs with.</summary>
    public static Version? NewtonsoftVersion => typeof(JsonConvert).Assembly.GetName().Version;

    /// <summary>The Newtonsoft.Json assembly this plugin runs with, to find its load context.</summary>
    public static System.Reflection.Assembly NewtonsoftAssembly => typeof(JsonConvert).Assembly;

    /// <summary>Serializes with the plugin's own Newtonsoft.Json, to prove it works, not only loads.</summary>
    public static string Serialize(object value) => JsonConvert.SerializeObject(value);

    public ValueTask OnBeforeHandle(BehaviorContext context) => ValueTask.CompletedTask;

    public ValueTask OnAfterHandle(BehaviorContext context) => ValueTask.CompletedTask;
}
