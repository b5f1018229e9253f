namespace Vaurien.Host.ControlApi;

/// <summary>
/// One problem with a control-API request, in Vaurien's (Cornice's) error shape:
/// <c>{"location": "body", "name": "sleep", "description": "..."}</c>.
/// </summary>
/// <param name="Location">Where the problem is: <c>body</c> for the JSON body, <c>url</c> for the route.</param>
/// <param name="Name">The field at fault (<c>name</c>, an option name, <c>backend</c>), or empty for the whole body.</param>
/// <param name="Description">What is wrong, in words a user can act on.</param>
internal sealed record ControlError(string Location, string Name, string Description)
{
    public const string Body = "body";

    public const string Url = "url";

    public static ControlError InBody(string name, string description) => new(Body, name, description);
}
