namespace Vaurien.Templates.Tests.Support;

/// <summary>The template tests share one <see cref="TemplateWorkspace"/> and run one after the other (each builds projects).</summary>
[CollectionDefinition(Name)]
public sealed class TemplateCollection : ICollectionFixture<TemplateWorkspace>
{
    public const string Name = "Templates";
}
