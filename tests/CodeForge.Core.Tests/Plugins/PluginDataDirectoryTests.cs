using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;
using CodeForge.Core.Tests.Skills;

namespace CodeForge.Core.Tests.Plugins;

public sealed class PluginDataDirectoryTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Theory]
    [InlineData("formatter", "my-market", "formatter-my-market")]
    [InlineData("a.b", "m_1", "a-b-m_1")]
    [InlineData("x", "inline", "x-inline")]
    public void Id_ReplacesEveryCharacterButLettersDigitsDashAndUnderscore(string name, string market, string expected) =>
        Assert.Equal(expected, PluginDataDirectory.Id(name, market));

    [Fact]
    public void Substitute_WithThePlaceholder_CreatesTheFolderAndReplacesIt()
    {
        var data = _tree["home/.forge/plugin-data/p-m"];

        var text = PluginDataDirectory.Substitute("cache at ${CLAUDE_PLUGIN_DATA}/cache", data);

        Assert.Equal($"cache at {data}/cache", text);
        Assert.True(Directory.Exists(data));
    }

    [Fact]
    public void Substitute_WithoutThePlaceholder_CreatesNothing()
    {
        var data = _tree["home/.forge/plugin-data/p-m"];

        Assert.Equal("nothing here", PluginDataDirectory.Substitute("nothing here", data));
        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public void Substitute_WithoutADataFolder_LeavesThePlaceholder() =>
        Assert.Equal("${CLAUDE_PLUGIN_DATA}/x", PluginDataDirectory.Substitute("${CLAUDE_PLUGIN_DATA}/x", null));

    [Fact]
    public void Read_AnInstalledPlugin_SubstitutesItsDataFolderInHooksMcpAgentsSkillsAndCommands()
    {
        var store = new PluginStore(_tree["home"]);
        var source = WriteDataPlugin("src/p", "keeper");
        var installed = store.Install(source, "market").Plugin!;
        var data = Path.Combine(_tree["home/.forge/plugin-data"], "keeper-market");

        var p = PluginReader.Read(installed.Root, null, store).Plugin!;

        Assert.Equal(data, p.DataDirectory);
        Assert.Equal(data, p.Hooks!.PluginData);
        Assert.Equal($"{data}/state.sh", p.Hooks.Events["SessionStart"][0].GetProperty("hooks")[0].GetProperty("command").GetString());
        Assert.Equal($"{data}/db.sqlite", p.McpServers["db"].GetProperty("args")[0].GetString());
        Assert.Equal($"Keep notes in {data}/notes.", Assert.Single(p.Agents).Prompt);
        Assert.True(Directory.Exists(data));
        var skill = Assert.Single(p.Skills);
        Assert.Contains($"Read {data}/index.json", SkillInstructions.Render(new Skill(skill), null), StringComparison.Ordinal);
        Assert.Equal($"Log to {data}/log and {installed.Root}/x now\n", Assert.Single(p.Commands).Expand("now"));
    }

    [Fact]
    public void Read_ADirectoryThatIsNotInstalled_UsesTheInlineMarketplace()
    {
        var store = new PluginStore(_tree["home"]);
        var root = WriteDataPlugin("dev/p", "keeper");

        var p = PluginReader.Read(root, null, store).Plugin!;

        Assert.Equal(Path.Combine(_tree["home/.forge/plugin-data"], "keeper-inline"), p.DataDirectory);
    }

    [Fact]
    public void Read_WithoutAStore_LeavesThePlaceholderAndCreatesNoFolder()
    {
        var root = WriteDataPlugin("dev/p", "keeper");

        var p = PluginReader.Read(root).Plugin!;

        Assert.Null(p.DataDirectory);
        Assert.Equal("Keep notes in ${CLAUDE_PLUGIN_DATA}/notes.", Assert.Single(p.Agents).Prompt);
        Assert.False(Directory.Exists(_tree["home/.forge/plugin-data"]));
    }

    [Fact]
    public void Install_Again_KeepsTheDataFolder()
    {
        var store = new PluginStore(_tree["home"]);
        var source = WriteDataPlugin("src/p", "keeper");
        var installed = store.Install(source, "market").Plugin!;
        var data = PluginReader.Read(installed.Root, null, store).Plugin!.DataDirectory!;
        File.WriteAllText(Path.Combine(data, "state.json"), "{}");

        store.Install(source, "market");

        Assert.Equal("{}", File.ReadAllText(Path.Combine(data, "state.json")));
    }

    [Fact]
    public void Uninstall_DeletesTheDataFolder_UnlessAskedToKeepIt()
    {
        var store = new PluginStore(_tree["home"]);
        var kept = store.Install(WriteDataPlugin("src/a", "kept"), "market").Plugin!;
        var gone = store.Install(WriteDataPlugin("src/b", "gone"), "market").Plugin!;
        var keptData = PluginReader.Read(kept.Root, null, store).Plugin!.DataDirectory!;
        var goneData = PluginReader.Read(gone.Root, null, store).Plugin!.DataDirectory!;

        Assert.True(store.Uninstall(kept, keepData: true));
        Assert.True(store.Uninstall(gone));

        Assert.True(Directory.Exists(keptData));
        Assert.False(Directory.Exists(goneData));
        Assert.Empty(Directory.GetDirectories(_tree["home/.forge/plugin-data"], ".*"));
    }

    private string WriteDataPlugin(string dir, string name)
    {
        _tree.Write($"{dir}/.claude-plugin/plugin.json", $$"""{ "name": "{{name}}" }""");
        _tree.Write($"{dir}/skills/index/SKILL.md", TempTree.Skill("index", "reads the index", "Read ${CLAUDE_PLUGIN_DATA}/index.json"));
        _tree.Write($"{dir}/commands/log.md", "---\ndescription: Log\n---\nLog to ${CLAUDE_PLUGIN_DATA}/log and ${CLAUDE_PLUGIN_ROOT}/x $ARGUMENTS");
        _tree.Write($"{dir}/agents/notes.md", "---\nname: notes\ndescription: Takes notes\n---\nKeep notes in ${CLAUDE_PLUGIN_DATA}/notes.");
        _tree.Write($"{dir}/hooks/hooks.json", """
            { "hooks": { "SessionStart": [ { "hooks": [ { "type": "command", "command": "${CLAUDE_PLUGIN_DATA}/state.sh" } ] } ] } }
            """);
        _tree.Write($"{dir}/.mcp.json", """
            { "mcpServers": { "db": { "command": "node", "args": ["${CLAUDE_PLUGIN_DATA}/db.sqlite"] } } }
            """);
        return _tree[dir];
    }

    [Fact]
    public void Delete_AFolderHoldingFilesAndFolders_DeletesItWhole_LeavingNothingAside()
    {
        var data = PluginDataDirectory.Ensure(_tree["data/p-market"]);
        _tree.Write("data/p-market/cache/index.json", "{}");
        _tree.Write("data/p-market/state.db", "x");

        Assert.True(PluginDataDirectory.Delete(data));

        Assert.False(Directory.Exists(data));
        Assert.Empty(Directory.GetFileSystemEntries(_tree["data"]));
        Assert.False(PluginDataDirectory.Delete(data));
    }
}
