namespace Vaurien.Client;

/// <summary>One problem the control API found with a request, as it reported it.</summary>
/// <param name="Location">Where the problem is: <c>body</c> for the JSON body, <c>url</c> for the route.</param>
/// <param name="Name">The field at fault (<c>name</c>, an option name such as <c>sleep</c>, <c>backend</c>), or empty for the whole body.</param>
/// <param name="Description">What is wrong, in the server's words.</param>
public sealed record VaurienError(string Location, string Name, string Description);
