using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;
using CodeForge.Core.Tests.Skills;
using CodeForge.Testing;

namespace CodeForge.Core.Tests.Plugins;

/// <summary>
/// Marketplaces, plugins and agent files as people publish them: the pinned Apache-2.0 files of
/// anthropics/claude-plugins-official and anthropics/skills, and same-shape fixtures of the non-free ones
/// (tests/Fixtures/ClaudePlugins/README.md).
/// </summary>
public sealed class PinnedPluginTests : IDisposable
{
    private readonly TempTree _tree = new("forge-pinned-");
    private readonly PluginStore _store;

    public PinnedPluginTests() => _store = new PluginStore(_tree["home"]);

    public void Dispose() => _tree.Dispose();

    private string Fixture(string name) => PluginFixtures.CopyTo(name, _tree[name]);

    [Fact]
    public void InstallFrom_AStrictFalseEntry_InstallsThePluginByTheEntryNameWithExactlyTheListedSkills()
    {
        var market = Marketplace.Read(Fixture("skills-shaped"), new List<LoadDiagnostic>())!;

        var result = _store.InstallFrom(market, "document-skills");

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal("document-skills@skills-fixture", result.Plugin!.Key);
        var read = PluginReader.Read(result.Plugin.Root);
        Assert.Equal("document-skills", read.Plugin!.Name);
        Assert.Equal(["document-skills:pdf", "document-skills:xlsx"], read.Plugin.Skills.Select(s => s.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Document processing: spreadsheets and PDF", read.Plugin.Manifest.Description);
        Assert.Equal("skills-fixture", read.Plugin.Manifest.Marketplace);
        Assert.False(read.Plugin.Manifest.Strict);
        Assert.DoesNotContain(read.Diagnostics, d => d.IsError);
    }

    [Fact]
    public void InstallFrom_TwoEntriesOverOneRepository_GiveTwoPluginsWithTheirOwnSkills()
    {
        var market = Marketplace.Read(Fixture("skills-shaped"), new List<LoadDiagnostic>())!;

        var docs = _store.InstallFrom(market, "document-skills");
        var examples = _store.InstallFrom(market, "example-skills");

        Assert.Equal(["document-skills@skills-fixture", "example-skills@skills-fixture"], _store.List().Select(p => p.Key));
        var skills = PluginReader.Read(examples.Plugin!.Root).Plugin!.Skills.Select(s => s.Metadata.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["example-skills:brand-guidelines", "example-skills:internal-comms"], skills);
        Assert.True(docs.Succeeded);
    }

    [Fact]
    public void Read_TheOfficialMarketplace_ParsesEveryEntryAndEverySourceForm()
    {
        var diagnostics = new List<LoadDiagnostic>();

        var market = Marketplace.Read(Fixture("official"), diagnostics)!;

        Assert.Equal("claude-plugins-official", market.Name);
        Assert.Equal("Anthropic", market.Owner);
        Assert.Equal(286, market.Plugins.Length);
        var kinds = market.Plugins.GroupBy(p => p.Source!.Kind).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(150, kinds[PluginSourceKind.Git]);
        Assert.Equal(83, kinds[PluginSourceKind.GitSubdirectory]);
        Assert.Equal(53, kinds[PluginSourceKind.RelativePath]);
        Assert.Equal(_tree["official/plugins/pr-review-toolkit"], market.Find("pr-review-toolkit")!.SourcePath);
        Assert.Contains(market.Plugins, p => !p.Strict && p.Definition!.Declares("lspServers"));
        Assert.DoesNotContain(diagnostics, d => d.IsError);
    }

    [Fact]
    public void InstallFrom_AGitSubdirectoryEntry_FailsOfflineNamingWhatToFetch()
    {
        var market = Marketplace.Read(Fixture("official"), new List<LoadDiagnostic>())!;
        var remote = market.Plugins.First(p => p.Source!.Kind == PluginSourceKind.GitSubdirectory);

        var result = _store.InstallFrom(market, remote.Name);

        Assert.False(result.Succeeded);
        var message = Assert.Single(result.Diagnostics).Message;
        Assert.Contains(remote.Source!.Url!, message, StringComparison.Ordinal);
        Assert.Contains("cannot fetch", message, StringComparison.Ordinal);
        Assert.Empty(_store.List());
    }

    [Fact]
    public void Read_TheOfficialPrReviewToolkit_LoadsAllSixAgentsIncludingTheOneThatIsNotYaml()
    {
        var result = PluginReader.Read(Fixture("official") + "/plugins/pr-review-toolkit");

        var plugin = result.Plugin!;
        Assert.Equal(6, plugin.Agents.Length);
        var hunter = plugin.Agents.Single(a => a.Name == "pr-review-toolkit:silent-failure-hunter");
        Assert.StartsWith("Use this agent when reviewing code changes", hunter.Description, StringComparison.Ordinal);
        Assert.Contains("Examples:\n\n<example>\nContext:", hunter.Description, StringComparison.Ordinal);
        Assert.Null(hunter.ToDefinition().Model); // inherit
        Assert.Contains("silent", hunter.Prompt, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["pr-review-toolkit:review-pr"], plugin.Commands.Select(c => c.Name));
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
    }

    [Fact]
    public void Read_AgentFilesShapedLikeTheClaudeCodeRepositorys_AllLoadWithTheirFields()
    {
        var result = PluginReader.Read(Fixture("shapes") + "/agent-shapes");

        var plugin = result.Plugin!;
        Assert.Equal(["agent-shapes:code-tidier", "agent-shapes:plain", "agent-shapes:transcript-analyzer"], plugin.Agents.Select(a => a.Name).Order(StringComparer.Ordinal));
        var analyzer = plugin.Agents.Single(a => a.Name == "agent-shapes:transcript-analyzer");
        Assert.Contains("Examples: <example>Context: The user ran /shapes without arguments\nuser: \"/shapes\"", analyzer.Description, StringComparison.Ordinal);
        Assert.Equal(["Read", "Grep"], analyzer.Tools);
        var tidier = plugin.Agents.Single(a => a.Name == "agent-shapes:code-tidier");
        Assert.Contains("<function call omitted for brevity>", tidier.Description, StringComparison.Ordinal);
        Assert.Equal("opus", tidier.Model);
        Assert.Equal(["Glob", "Grep", "Read"], plugin.Agents.Single(a => a.Name == "agent-shapes:plain").Tools);
        Assert.Equal(["agent-shapes:shape"], plugin.Commands.Select(c => c.Name));
        Assert.Single(plugin.Skills);
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
    }

    [Fact]
    public void Read_AStrictFalseEntryWhosePluginJsonDeclaresComponents_IsAConflict()
    {
        PluginTrees.WriteGood(_tree, "m/plugins/p", "p");
        _tree.Write("m/plugins/p/.claude-plugin/plugin.json", """{ "name": "p", "commands": "./commands" }""");
        _tree.Write("m/.claude-plugin/marketplace.json", """
            { "name": "m", "plugins": [
              { "name": "p", "source": "./plugins/p",
                "strict": false, "skills": ["./skills/s0"] } ] }
            """);
        var entry = Marketplace.Read(_tree["m"], new List<LoadDiagnostic>())!.Find("p")!;

        var result = PluginReader.Read(entry.SourcePath!, entry.Definition);

        Assert.Null(result.Plugin);
        var error = result.Diagnostics.Single(d => d.IsError);
        Assert.Equal((_tree["m/.claude-plugin/marketplace.json"], 3), (error.File, error.Line));
        Assert.Contains("declares \"commands\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AStrictEntry_AddsItsComponentsToThePluginJsonWhoseNameNamesThePlugin()
    {
        PluginTrees.WriteGood(_tree, "m/plugins/p", "internal-name");
        _tree.Write("m/plugins/p/extra/hello.md", "Hello $ARGUMENTS");
        _tree.Write("m/.claude-plugin/marketplace.json", """
            { "name": "m", "plugins": [ { "name": "public-name", "source": "./plugins/p", "commands": ["./extra/hello.md"] } ] }
            """);
        var entry = Marketplace.Read(_tree["m"], new List<LoadDiagnostic>())!.Find("public-name")!;

        var plugin = PluginReader.Read(entry.SourcePath!, entry.Definition).Plugin!;

        // Claude Code 2.1.337 names it by its plugin.json (buildwithclaude's entry "claude-ops" gives "ops:…" skills).
        Assert.Equal("internal-name", plugin.Name);
        Assert.Equal("1.2.3", plugin.Manifest.Version); // the plugin.json still speaks for itself
        Assert.Equal(["internal-name:hello"], plugin.Commands.Select(c => c.Name));
        Assert.Equal(["internal-name:s0", "internal-name:s1"], plugin.Skills.Select(s => s.Metadata.Name));
    }

    [Fact]
    public void InstallFrom_AnEntryWhosePluginJsonNamesItOtherwise_InstallsItUnderTheEntryAndNamesItByThePluginJson()
    {
        // The shape of davepoon/buildwithclaude's "claude-ops" (plugin.json "ops") and "magic-cc-codex-worker" ("magic-codex").
        PluginTrees.WriteGood(_tree, "m/plugins/claude-ops", "ops");
        _tree.Write("m/.claude-plugin/marketplace.json", """
            { "name": "m", "owner": { "name": "o" }, "plugins": [ { "name": "claude-ops", "source": "./plugins/claude-ops" } ] }
            """);
        var market = Marketplace.Read(_tree["m"], new List<LoadDiagnostic>())!;

        var installed = _store.InstallFrom(market, "claude-ops");

        Assert.True(installed.Succeeded, string.Join("\n", installed.Diagnostics));
        Assert.Equal("claude-ops@m", installed.Plugin!.Key);
        Assert.Equal(["claude-ops@m"], _store.List().Select(p => p.Key));
        var plugin = PluginReader.Read(installed.Plugin.Root, null, _store).Plugin!;
        Assert.Equal("ops", plugin.Name);
        Assert.Equal(["ops:s0", "ops:s1"], plugin.Skills.Select(s => s.Metadata.Name));
        Assert.Equal("ops:reviewer", Assert.Single(plugin.Agents).Name);
        Assert.Equal(_store.DataDirectoryFor("claude-ops", installed.Plugin.Root), plugin.DataDirectory); // the id is the entry's
    }

    [Fact]
    public void InstallFrom_TheCommunityMarketplace_InstallsEveryPinnedPluginWithNoProblem()
    {
        var diagnostics = new List<LoadDiagnostic>();
        var market = Marketplace.Read(Fixture("community"), diagnostics)!;

        var read = market.Plugins.Select(e => _store.InstallFrom(market, e.Name)).Select(r => PluginReader.Read(r.Plugin!.Root, null, _store)).ToList();

        Assert.Empty(diagnostics);
        Assert.All(read, r => Assert.DoesNotContain(r.Diagnostics, d => d.IsError));
        var plugins = read.Select(r => r.Plugin!).ToDictionary(p => p.Name);
        Assert.Equal(["accessibility-compliance", "database-design", "pptx-deck-creation", "review-agent-governance"], plugins.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(5, plugins["pptx-deck-creation"].Skills.Length);
        // Claude Code names a plugin's skill by its folder, not by its "name: postgresql-table-design".
        Assert.Equal("database-design:postgresql", Assert.Single(plugins["database-design"].Skills).Metadata.Name);
        Assert.NotEmpty(plugins["accessibility-compliance"].Agents);
        Assert.NotEmpty(plugins["accessibility-compliance"].Commands);
        Assert.Equal(["PostToolUse", "PreToolUse"], plugins["review-agent-governance"].Hooks!.Events.Keys);
    }
}
