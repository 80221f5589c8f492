using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;
using CodeForge.Core.Tests.Skills;

namespace CodeForge.Core.Tests.Plugins;

public sealed class MarketplaceTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Read_ResolvesRelativeSourcesAndListsNetworkSourcesAsUnsupported()
    {
        _tree.Write("m/.claude-plugin/marketplace.json", """
            { "name": "team-tools", "owner": { "name": "Team" },
              "metadata": { "pluginRoot": "./plugins" },
              "plugins": [
                { "name": "a", "source": "./plugins/a", "description": "A", "version": "1.0.0" },
                { "name": "b", "source": "b" },
                { "name": "gh", "source": { "source": "github", "repo": "o/r" } } ] }
            """);
        var diagnostics = new List<LoadDiagnostic>();

        var m = Marketplace.Read(_tree["m"], diagnostics)!;

        Assert.Equal("team-tools", m.Name);
        Assert.Equal("Team", m.Owner);
        Assert.Equal(_tree["m/plugins/a"], m.Plugins[0].SourcePath);
        Assert.Equal(_tree["m/plugins/b"], m.Plugins[1].SourcePath);
        Assert.Null(m.Plugins[2].SourcePath);
        Assert.Contains("github", m.Plugins[2].Unsupported, StringComparison.Ordinal);
        Assert.Equal(6, Assert.Single(diagnostics).Line);
    }

    [Fact]
    public void Read_ASourceEscapingTheMarketplace_IsUnsupported()
    {
        _tree.Write("m/.claude-plugin/marketplace.json", """{ "name": "m", "plugins": [ { "name": "x", "source": "../../x" } ] }""");

        var m = Marketplace.Read(_tree["m"], new List<LoadDiagnostic>())!;

        Assert.Contains("escapes", m.Plugins[0].Unsupported, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"plugins\": [] }", "name")]
    [InlineData("{ \"name\": \"m\" }", "plugins")]
    [InlineData("{ \"name\": \"m\",\n \"plugins\": [ }", "invalid JSON")]
    public void Read_ABadFile_IsReportedWithWhy(string json, string why)
    {
        _tree.Write("m/.claude-plugin/marketplace.json", json);
        var diagnostics = new List<LoadDiagnostic>();

        Assert.Null(Marketplace.Read(_tree["m"], diagnostics));
        Assert.Contains(why, Assert.Single(diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoMarketplaceFile_SaysSo()
    {
        var diagnostics = new List<LoadDiagnostic>();

        Assert.Null(Marketplace.Read(_tree.Root, diagnostics));
        Assert.False(Marketplace.IsMarketplace(_tree.Root));
        Assert.Contains("not a marketplace", Assert.Single(diagnostics).Message, StringComparison.Ordinal);
    }
}
