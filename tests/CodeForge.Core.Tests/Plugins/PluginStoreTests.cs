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
    public void InstallFrom_AMarketplace_APluginWithoutAManifestFolder_IsInstalledWithItsSavedEntry()
    {
        _tree.Write("market/plugins/tool/commands/hi.md", "---\ndescription: Hi\n---\nSay hi.\n");
        _tree.Write("market/.claude-plugin/marketplace.json", """{ "name": "acme", "plugins": [ { "name": "tool", "source": "./plugins/tool" } ] }""");
        var market = Marketplace.Read(_tree["market"], new List<LoadDiagnostic>())!;

        var result = _store.InstallFrom(market, "tool");

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal("tool@acme", result.Plugin!.Key);
        Assert.True(File.Exists(Path.Combine(result.Plugin.Root, PluginEntryDefinition.InstalledRelativePath)));
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
    public void Find_WithoutANameOrKey_ThrowsArgumentNullException()
    {
        Directory.CreateDirectory(_tree["home/.forge/plugins/a/x"]);

        Assert.Throws<ArgumentNullException>("nameOrKey", () => _store.Find(null!, out _));
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

    [Fact]
    public void Find_SaysWhatIsMissingOrAmbiguous()
    {
        Directory.CreateDirectory(_tree["home/.forge/plugins/a/x"]);
        Directory.CreateDirectory(_tree["home/.forge/plugins/b/x"]);

        Assert.Null(_store.Find("x", out var ambiguous));
        Assert.Equal("'x' is installed from several marketplaces (x@a, x@b); say which with name@marketplace", ambiguous);
        Assert.Null(_store.Find("y", out var missing));
        Assert.Equal("no installed plugin named 'y' (see forge plugin list)", missing);
        Assert.Null(_store.Find("x@c", out var missingKey));
        Assert.Equal("no installed plugin named 'x@c' (see forge plugin list)", missingKey);
        Assert.Equal("x@a", _store.Find("x@a", out var none)!.Key);
        Assert.Null(none);
    }

    [Fact]
    public void List_LeavesOutHiddenFoldersAndIsSortedByKey()
    {
        Directory.CreateDirectory(_tree["home/.forge/plugins/zeta/b"]);
        Directory.CreateDirectory(_tree["home/.forge/plugins/alpha/c"]);
        Directory.CreateDirectory(_tree["home/.forge/plugins/alpha/.c.1234.tmp"]);
        Directory.CreateDirectory(_tree["home/.forge/plugins/.cache/d"]);
        _tree.Write("home/.forge/plugins/known_marketplaces.json", "{}");

        Assert.Equal(["b@zeta", "c@alpha"], _store.List().Select(p => p.Key));
        Assert.Equal(_tree["home/.forge/plugins/alpha/c"], _store.List()[1].Root);
    }

    [Fact]
    public void List_WithoutAStore_IsEmpty() => Assert.Empty(_store.List());

    [Fact]
    public void Directories_AreUnderTheHomesForgeFolder()
    {
        Assert.Equal(_tree["home/.forge/plugins"], _store.Directory);
        Assert.Equal(_tree["home/.forge/plugin-data"], _store.DataDirectory);
        Assert.Equal(_tree["home/.forge/plugins/known_marketplaces.json"], _store.KnownMarketplacesPath);
    }

    [Fact]
    public void DataDirectoryFor_AnInstalledPluginIsByItsMarketplace_AnyOtherFolderIsInline()
    {
        Assert.Equal(_tree["home/.forge/plugin-data/p-acme"], _store.DataDirectoryFor("p", _tree["home/.forge/plugins/acme/p"] + "/"));
        Assert.Equal(_tree["home/.forge/plugin-data/p-inline"], _store.DataDirectoryFor("p", _tree["src/p"]));
        Assert.Equal(_tree["home/.forge/plugin-data/p-inline"], _store.DataDirectoryFor("p", _tree["home/.forge/plugins/acme/p/sub"]));
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("a@b")]
    [InlineData("")]
    public void Install_IntoAnUnusableMarketplaceName_IsRefused(string marketplace)
    {
        var source = PluginTrees.WriteGood(_tree, "src/p", "p");

        var ex = Assert.Throws<ArgumentException>(() => _store.Install(source, marketplace));

        Assert.Equal($"Marketplace name '{marketplace}' cannot be used. (Parameter 'marketplace')", ex.Message);
        Assert.Empty(_store.List());
    }

    [Fact]
    public void InstallFrom_APluginTheMarketplaceLacks_SaysWhichItHas()
    {
        _tree.Write("market/.claude-plugin/marketplace.json", """{ "name": "acme", "plugins": [ { "name": "a", "source": "./a" }, { "name": "b", "source": "./b" } ] }""");
        var market = Marketplace.Read(_tree["market"], new List<LoadDiagnostic>())!;

        var result = _store.InstallFrom(market, "c");

        Assert.False(result.Succeeded);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(_tree["market/.claude-plugin/marketplace.json"], d.File);
        Assert.Equal("marketplace 'acme' has no plugin 'c' (it has: a, b)", d.Message);
        Assert.True(d.IsError);
    }

    [Fact]
    public void InstallFrom_AnEntryWhoseSourceCannotBeUsed_SaysWhy()
    {
        _tree.Write("market/.claude-plugin/marketplace.json", """{ "name": "acme", "plugins": [ { "name": "a", "source": "../../a" }, { "name": "r", "source": { "source": "npm", "package": "x" } } ] }""");
        var market = Marketplace.Read(_tree["market"], new List<LoadDiagnostic>())!;

        var local = _store.InstallFrom(market, "a");
        var remote = _store.InstallFrom(market, "r");

        Assert.Equal("plugin 'a' cannot be installed: source '../../a' escapes the marketplace directory", Assert.Single(local.Diagnostics).Message);
        Assert.Equal("plugin 'r' comes from npm x, which forge cannot fetch (it installs only from local directories); get it yourself (git clone / npm pack) and run: forge plugin install <that directory>",
            Assert.Single(remote.Diagnostics).Message);
        Assert.Empty(_store.List());
    }

    [Fact]
    public void Install_LeavesOutTheGitFolderAndCopiesLinksInsideThePluginAsFiles()
    {
        var source = PluginTrees.WriteGood(_tree, "src/p", "p");
        _tree.Write("src/p/.git/HEAD", "ref");
        _tree.Write("src/p/docs/real.md", "real");
        File.CreateSymbolicLink(_tree["src/p/docs/alias.md"], _tree["src/p/docs/real.md"]);

        var installed = _store.Install(source).Plugin!;

        Assert.False(Directory.Exists(Path.Combine(installed.Root, ".git")));
        var alias = new FileInfo(Path.Combine(installed.Root, "docs/alias.md"));
        Assert.Null(alias.LinkTarget);
        Assert.Equal("real", File.ReadAllText(alias.FullName));
    }

    [Fact]
    public void Install_OfALinkLeadingOut_WarnsNamingIt()
    {
        var source = PluginTrees.WriteGood(_tree, "src/p", "p");
        _tree.Write("secret.txt", "secret");
        File.CreateSymbolicLink(_tree["src/p/leak.txt"], _tree["secret.txt"]);

        var result = _store.Install(source);

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(_tree["src/p/leak.txt"], d.File);
        Assert.Equal("a link that leads outside the plugin; not copied", d.Message);
        Assert.False(d.IsError);
        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Install_FromAPluginReachedThroughALinkedFolder_CopiesItsInnerLinks()
    {
        // The plugin's own folder is reached through a link (a checkout linked into place): a link inside the plugin
        // still leads inside it.
        PluginTrees.WriteGood(_tree, "real/p", "p");
        _tree.Write("real/p/docs/real.md", "real");
        File.CreateSymbolicLink(_tree["real/p/docs/alias.md"], "real.md");
        Directory.CreateSymbolicLink(_tree["linked"], _tree["real"]);

        var result = _store.Install(_tree["linked/p"]);

        Assert.Empty(result.Diagnostics);
        Assert.Equal("real", File.ReadAllText(Path.Combine(result.Plugin!.Root, "docs/alias.md")));
    }

    [Fact]
    public void FindMarketplace_OfARemoteOne_SaysWhereItComesFrom()
    {
        var settings = _tree.Write("proj/.claude/settings.json", """{ "extraKnownMarketplaces": { "remote": { "source": { "source": "github", "repo": "acme/market" } }, "broken": { "source": 7 } } }""");

        Assert.Null(_store.FindMarketplace("remote", [settings], out var error));
        Assert.Equal($"marketplace 'remote' ({settings}) comes from github acme/market, which forge cannot fetch; clone it and run: forge plugin marketplace add <dir>", error);
        Assert.Null(_store.FindMarketplace("broken", [settings], out var unreadable));
        Assert.Equal($"marketplace 'broken' ({settings}) comes from an unreadable source, which forge cannot fetch; clone it and run: forge plugin marketplace add <dir>", unreadable);
        Assert.Null(_store.FindMarketplace("none", [settings], out var none));
        Assert.Null(none);
    }

    [Fact]
    public void ListMarketplaces_SkipsFilesThatAreNotJsonAndEntriesWithoutASource()
    {
        var bad = _tree.Write("a/.claude/settings.json", "{ not json");
        var list = _tree.Write("b/.claude/settings.json", """{ "extraKnownMarketplaces": [] }""");
        var odd = _tree.Write("c/.claude/settings.json", """{ "extraKnownMarketplaces": { "x": { "repo": "a/b" }, "y": 1, "z": { "source": { "source": "directory", "path": "z-dir" } } } }""");
        var top = _tree.Write("d/.claude/settings.json", "[]");

        var known = _store.ListMarketplaces([bad, list, odd, top]);

        var z = Assert.Single(known);
        Assert.Equal("z", z.Name);
        Assert.Equal(_tree["c/z-dir"], z.Directory);
        Assert.Equal(odd, z.Origin);
    }

    [Fact]
    public async Task AddMarketplace_ThatIsNotOne_RemembersNothing()
    {
        var diagnostics = new List<LoadDiagnostic>();

        Assert.Null(await _store.AddMarketplaceAsync(_tree.Root, diagnostics, TestContext.Current.CancellationToken));
        Assert.Single(diagnostics);
        Assert.False(File.Exists(_store.KnownMarketplacesPath));
    }

    [Fact]
    public async Task RemoveMarketplace_WithoutAnyKnown_IsNull() =>
        Assert.Null(await _store.RemoveMarketplaceAsync("acme", TestContext.Current.CancellationToken));

    [Fact]
    public void Uninstall_KeepingData_LeavesTheDataFolder_AndAnUnusableNameDeletesNoData()
    {
        var installed = _store.Install(PluginTrees.WriteGood(_tree, "src/p", "p")).Plugin!;
        var data = PluginDataDirectory.Ensure(_store.DataDirectoryFor("p", installed.Root));

        Assert.True(_store.Uninstall(installed, keepData: true));
        Assert.True(Directory.Exists(data));
        Assert.False(_store.Uninstall(new InstalledPlugin("..", "local", _tree["home/.forge/plugins/local/gone"])));
        Assert.True(Directory.Exists(data));
    }

    [Fact]
    public void Install_WhenTheInstalledCopyCannotBeMovedIntoPlace_FailsNamingTheTargetAndLeavesNoTemporaryCopy()
    {
        var source = PluginTrees.WriteGood(_tree, "src/p", "p");
        var blocker = _tree.Write("home/.forge/plugins/local/p", "a file where the plugin's folder goes");

        var result = _store.Install(source);

        Assert.False(result.Succeeded);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(blocker, d.File);
        Assert.StartsWith("cannot install: ", d.Message, StringComparison.Ordinal);
        Assert.True(d.IsError);
        Assert.Equal(["p"], Directory.GetFileSystemEntries(_tree["home/.forge/plugins/local"]).Select(Path.GetFileName));
    }
}
