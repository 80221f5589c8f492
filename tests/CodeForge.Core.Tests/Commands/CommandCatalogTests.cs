using CodeForge.Core.Commands;

namespace CodeForge.Core.Tests.Commands;

public sealed class CommandCatalogTests
{
    private static CommandDefinition Make(string name, string body = "b") =>
        new() { Name = name, Description = "d", Body = body, SourcePath = $"/{name}.md" };

    [Fact]
    public void SetSource_ReplacesTheWholeSource()
    {
        var catalog = new CommandCatalog();
        catalog.SetSource("plugin:p", [Make("p:a"), Make("p:b")]);

        catalog.SetSource("plugin:p", [Make("p:c")]);

        Assert.Equal(["p:c"], catalog.List().Select(c => c.Name));
    }

    [Fact]
    public void RemoveSource_RemovesItsCommandsOnly()
    {
        var catalog = new CommandCatalog();
        catalog.SetSource("files", [Make("x")], priority: 1);
        catalog.SetSource("plugin:p", [Make("p:a")]);

        Assert.True(catalog.RemoveSource("plugin:p"));
        Assert.False(catalog.RemoveSource("plugin:p"));

        Assert.Equal(["x"], catalog.List().Select(c => c.Name));
    }

    [Fact]
    public void Get_ANameInSeveralSources_ResolvesToTheHighestPriority()
    {
        var catalog = new CommandCatalog();
        catalog.SetSource("files", [Make("p:a", "from files")], priority: 1);
        catalog.SetSource("plugin:p", [Make("p:a", "from plugin")]);

        Assert.Equal("from files", catalog.Get("p:a")!.Body);
        catalog.RemoveSource("files");
        Assert.Equal("from plugin", catalog.Get("p:a")!.Body);
        Assert.Null(catalog.Get("nope"));
    }
}
