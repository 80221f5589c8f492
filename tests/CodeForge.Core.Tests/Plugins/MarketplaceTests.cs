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
        Assert.Contains("github o/r", m.Plugins[2].Unsupported, StringComparison.Ordinal);
        Assert.Equal(PluginSourceKind.GitHub, m.Plugins[2].Source!.Kind);
        Assert.Empty(diagnostics); // remote sources are normal: reported when installed, not on every read
    }

    [Theory]
    [InlineData("""{ "source": "github", "repo": "acme/tools", "ref": "v2" }""", PluginSourceKind.GitHub, "github acme/tools@v2")]
    [InlineData("""{ "source": "url", "url": "https://git.example/tools.git", "sha": "abc123" }""", PluginSourceKind.Git, "git https://git.example/tools.git@abc123")]
    [InlineData("""{ "source": "git", "url": "https://git.example/tools.git" }""", PluginSourceKind.Git, "git https://git.example/tools.git")]
    [InlineData("""{ "source": "git-subdir", "url": "https://git.example/mono.git", "path": "plugins/t", "ref": "main" }""", PluginSourceKind.GitSubdirectory, "git https://git.example/mono.git@main path plugins/t")]
    [InlineData("""{ "source": "npm", "package": "@acme/tools", "version": "1.2.0", "registry": "https://npm.example" }""", PluginSourceKind.Npm, "npm @acme/tools@1.2.0 from https://npm.example")]
    [InlineData("""{ "source": "pip", "package": "acme-tools" }""", PluginSourceKind.Pip, "pip acme-tools")]
    public void Read_EveryRemoteSourceForm_IsParsedWithAnOfflineError(string source, PluginSourceKind kind, string text)
    {
        _tree.Write("m/.claude-plugin/marketplace.json", $$"""{ "name": "m", "owner": { "name": "O" }, "plugins": [ { "name": "t", "source": {{source}} } ] }""");

        var entry = Assert.Single(Marketplace.Read(_tree["m"], new List<LoadDiagnostic>())!.Plugins);

        Assert.Equal(kind, entry.Source!.Kind);
        Assert.Equal(text, entry.Source.Text);
        Assert.True(entry.Source.IsRemote);
        Assert.Null(entry.SourcePath);
        Assert.Contains($"plugin 't' comes from {text}, which forge cannot fetch", entry.Unsupported, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "source": "github" }""", "a \"github\" source needs \"repo\"")]
    [InlineData("""{ "source": "git-subdir", "url": "https://x.git" }""", "needs \"path\"")]
    [InlineData("""{ "repo": "a/b" }""", "needs a \"source\" kind")]
    [InlineData("7", "must be a relative path")]
    public void Read_ASourceMissingItsFields_IsReportedOnItsLine(string source, string why)
    {
        _tree.Write("m/.claude-plugin/marketplace.json", $$"""
            { "name": "m",
              "plugins": [
                { "name": "t",
                  "source": {{source}} } ] }
            """);
        var diagnostics = new List<LoadDiagnostic>();

        var entry = Assert.Single(Marketplace.Read(_tree["m"], diagnostics)!.Plugins);

        Assert.Null(entry.SourcePath);
        var d = Assert.Single(diagnostics);
        Assert.Equal(4, d.Line);
        Assert.Contains(why, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OwnerMetadataStrictAndEntryFields_AreRead()
    {
        _tree.Write("m/p/x/README.md", "x");
        _tree.Write("m/.claude-plugin/marketplace.json", """
            { "name": "m", "owner": "Solo Dev",
              "metadata": { "description": "Tools", "version": "2.0.0", "pluginRoot": "./p" },
              "plugins": [ { "name": "x", "source": "x", "strict": false, "version": "0.1.0", "author": { "name": "Ann" }, "category": "dev",
                             "skills": ["./skills/a"], "unknownKey": true } ] }
            """);

        var m = Marketplace.Read(_tree["m"], new List<LoadDiagnostic>())!;

        Assert.Equal(("Solo Dev", "Tools", "2.0.0", "./p"), (m.Owner, m.Description, m.Version, m.PluginRoot));
        var x = m.Find("x")!;
        Assert.Equal(_tree["m/p/x"], x.SourcePath);
        Assert.False(x.Strict);
        Assert.Equal(("0.1.0", "Ann", "dev"), (x.Version, x.Author, x.Category));
        Assert.True(x.Definition!.Declares("skills"));
        Assert.False(x.Definition.Declares("commands"));
        Assert.Equal(4, x.Definition.Lines["skills"]);
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
