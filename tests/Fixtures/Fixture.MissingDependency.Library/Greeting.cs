namespace Fixture.MissingDependency.Library;

public static class Greeting
{
    public static string Text => "hello";
}
