namespace CodeForge.Core.Tests.Tools;

/// <summary>Test classes that touch <c>ToolRegistry.Shared</c> run one after another, never beside each other.</summary>
[CollectionDefinition(Name)]
public sealed class SharedToolRegistryCollection
{
    public const string Name = "ToolRegistry.Shared";
}
