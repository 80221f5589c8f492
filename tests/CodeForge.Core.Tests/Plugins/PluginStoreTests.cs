using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;
using CodeForge.Core.Tests.Skills;
using CodeForge.Testing;

namespace CodeForge.Core.Tests.Plugins;

public sealed class PluginStoreTests : IDisposable
{
    private readonly TempTree _tree = new();
    private readonly PluginStore _store;

    public PluginStoreTests() => _store = new PluginStore(_tree["home"]);

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Install_FromADirectory_CopiesItUnderLocalAndListsIt()
    {
        var source = PluginTrees.WriteGood(_tree, "src/p", "my-plugin");

        var result = _store.Install(source);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var installed = Assert.Single(_store.List());
        Assert.Equal("my-plugin@local", installed.Key);
        Assert.Equal(_tree["home/.forge/plugins/local/my-plugin"], installed.Root);
        Assert.True(File.Exists(Path.Combine(installed.Root, "skills/s0/SKILL.md")));
        Assert.Empty(Directory.GetDirectories(_tree["home/.forge/plugins/local"], ".*"));
    }

    [Fact]
    public void Install_Again_ReplacesTheOldCopyWhole()
    {
        var source = PluginTrees.WriteGood(_tree, "src/p", "p");
        _store.Install(source);
        File.Delete(Path.Combine(source, "commands/deploy.md"));
        _tree.Write("src/p/commands/new.md", "new");

        _store.Install(source);

        var root = _store.List().Single().Root;
        Assert.False(File.Exists(Path.Combine(root, "commands/deploy.md")));
        Assert.True(File.Exists(Path.Combine(root, "commands/new.md")));
        Assert.Single(Directory.GetDirectories(_tree["home/.forge/plugins/local"]));
    }

    [Fact]
    public void Install_ABrokenPlugin_InstallsNothingAndSaysWhy()
    {
        _tree.Write("src/bad/.claude-plugin/plugin.json", "{ \"name\": ");

        var result = _store.Install(_tree["src/bad"]);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Diagnostics, d => d.IsError && d.Line is not null);
        Assert.Empty(_store.List());
    }

    [Fact]
    public void Install_DoesNotCopyLinksLeadingOutsideThePlugin()
    {
        var source = PluginTrees.WriteGood(_tree, "src/p", "p");
        _tree.Write("secret.txt", "secret");
        File.CreateSymbolicLink(Path.Combine(source, "leak.txt"), _tree["secret.txt"]);

        var result = _store.Install(source);

        Assert.True(result.Succeeded);
        Assert.False(File.Exists(Path.Combine(result.Plugin!.Root, "leak.txt")));
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("outside", StringComparison.Ordinal));
    }

    [Fact]
    public void InstallFrom_AMarketplace_InstallsUnderTheMarketplaceName()
    {
        PluginTrees.WriteGood(_tree, "market/plugins/tool", "tool");
        _tree.Write("market/.claude-plugin/marketplace.json", """{ "name": "acme", "owner": {"name": "A"}, "plugins": [ { "name": "tool", "source": "./plugins/tool" } ] }""");
        var market = Marketplace.Read(_tree["market"], new List<LoadDiagnostic>())!;

        var result = _store.InstallFrom(market, "tool");

        Assert.Equal("tool@acme", result.Plugin!.Key);
        Assert.False(_store.InstallFrom(market, "missing").Succeeded);
    }

    [Fact]
    public async Task AddMarketplace_RemembersItsDirectoryByName()
    {
        _tree.Write("market/.claude-plugin/marketplace.json", """{ "name": "acme", "plugins": [] }""");

        var market = await _store.AddMarketplaceAsync(_tree["market"], new List<LoadDiagnostic>(), TestContext.Current.CancellationToken);

        Assert.Equal("acme", market!.Name);
        Assert.Equal(_tree["market"], _store.FindMarketplace("acme"));
        Assert.Null(_store.FindMarketplace("other"));
    }

    [Fact]
    public void Find_ABareNameInTwoMarketplaces_IsAmbiguous()
    {
        Directory.CreateDirectory(_tree["home/.forge/plugins/a/x"]);
        Directory.CreateDirectory(_tree["home/.forge/plugins/b/x"]);

        Assert.Null(_store.Find("x", out var error));
        Assert.Contains("several", error, StringComparison.Ordinal);
        Assert.Equal("x@b", _store.Find("x@b", out _)!.Key);
        Assert.Null(_store.Find("y", out error));
        Assert.NotNull(error);
    }

    [Fact]
    public async Task ListMarketplaces_IncludesExtraKnownMarketplacesFromSettings_ResolvingDirectoriesAgainstTheProject()
    {
        _tree.Write("proj/tools-market/.claude-plugin/marketplace.json", """{ "name": "team", "plugins": [] }""");
        _tree.Write("added/.claude-plugin/marketplace.json", """{ "name": "added", "plugins": [] }""");
        await _store.AddMarketplaceAsync(_tree["added"], new List<LoadDiagnostic>(), TestContext.Current.CancellationToken);
        var settings = _tree.Write("proj/.claude/settings.json", """
            { "extraKnownMarketplaces": {
                "team": { "source": { "source": "directory", "path": "./tools-market" } },
                "remote": { "source": { "source": "github", "repo": "acme/market" } },
                "added": { "source": { "source": "directory", "path": "/elsewhere" } } } }
            """);

        var known = _store.ListMarketplaces([settings, _tree["proj/.claude/missing.json"]]);

        Assert.Equal(["added", "team", "remote"], known.Select(k => k.Name));
        Assert.Equal(_tree["added"], known[0].Directory);
        Assert.Equal(_tree["proj/tools-market"], known[1].Directory);
        Assert.Null(known[2].Directory);
        Assert.Equal(_tree["proj/tools-market"], _store.FindMarketplace("team", [settings], out var none));
        Assert.Null(none);
        Assert.Null(_store.FindMarketplace("remote", [settings], out var error));
        Assert.Contains("github acme/market", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoveMarketplace_ForgetsItAndUninstallsItsPlugins()
    {
        PluginTrees.WriteGood(_tree, "market/plugins/tool", "tool");
        _tree.Write("market/.claude-plugin/marketplace.json", """{ "name": "acme", "plugins": [ { "name": "tool", "source": "./plugins/tool" } ] }""");
        var market = await _store.AddMarketplaceAsync(_tree["market"], new List<LoadDiagnostic>(), TestContext.Current.CancellationToken);
        _store.InstallFrom(market!, "tool");
        _store.Install(PluginTrees.WriteGood(_tree, "src/other", "other"));

        var removed = await _store.RemoveMarketplaceAsync("acme", TestContext.Current.CancellationToken);

        Assert.Equal(["tool@acme"], removed);
        Assert.Null(_store.FindMarketplace("acme"));
        Assert.Equal(["other@local"], _store.List().Select(p => p.Key));
        Assert.Null(await _store.RemoveMarketplaceAsync("acme", TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Uninstall_DeletesThePluginWhole_AndRefusesADirectoryOutsideTheStore()
    {
        var installed = _store.Install(PluginTrees.WriteGood(_tree, "src/p", "p")).Plugin!;

        Assert.True(_store.Uninstall(installed));
        Assert.False(_store.Uninstall(installed));
        Assert.Empty(_store.List());
        Assert.Throws<ArgumentException>(() => _store.Uninstall(new InstalledPlugin("p", "local", _tree["src/p"])));
        Assert.True(Directory.Exists(_tree["src/p"]));
    }

    [Fact]
    public void Install_AnInstalledPluginAgain_FromItsDirectory_DropsTheOldMarketplaceEntry()
    {
        PluginFixtures.CopyTo("skills-shaped", _tree["skills"]);
        var market = Marketplace.Read(_tree["skills"], new List<LoadDiagnostic>())!;
        var docs = _store.InstallFrom(market, "document-skills").Plugin!;

        var copy = _store.Install(docs.Root);

        Assert.Equal("document-skills@local", copy.Plugin!.Key);
        Assert.False(File.Exists(Path.Combine(copy.Plugin.Root, PluginEntryDefinition.InstalledRelativePath)));
    }
}
