using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;
using CodeForge.Core.Tests.Skills;

namespace CodeForge.Core.Tests.Plugins;

public sealed class PluginReaderTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Read_AGoodPlugin_HasEveryComponentNamespacedWithTheRootSubstituted()
    {
        var root = PluginTrees.WriteGood(_tree, "p", "my-plugin");

        var result = PluginReader.Read(root);

        Assert.Empty(result.Diagnostics);
        var p = result.Plugin!;
        Assert.Equal("my-plugin", p.Name);
        Assert.Equal("1.2.3", p.Manifest.Version);
        Assert.Equal("Ada", p.Manifest.Author);
        Assert.Equal(["my-plugin:s0", "my-plugin:s1"], p.Skills.Select(s => s.Metadata.Name));
        Assert.Equal("my-plugin:deploy", Assert.Single(p.Commands).Name);
        Assert.Equal("my-plugin:reviewer", Assert.Single(p.Agents).Name);
        var hook = Assert.Single(p.Hooks!.Events["PreToolUse"]);
        Assert.Equal($"{root}/hooks/check.sh", hook.GetProperty("hooks")[0].GetProperty("command").GetString());
        Assert.Equal(root, p.Hooks.PluginRoot);
        Assert.Equal($"{root}/servers/db", p.McpServers["db"].GetProperty("command").GetString());
        Assert.Equal($"{root}/c.json", p.McpServers["db"].GetProperty("args")[1].GetString());
    }

    [Fact]
    public void Read_AManifestListingOutputStyles_UsesThosePathsInsteadOfTheOutputStylesFolder()
    {
        _tree.Write("styled/.claude-plugin/plugin.json", """{"name": "styled", "outputStyles": ["./styles/terse.md", "./more-styles"]}""");
        _tree.Write("styled/styles/terse.md", "---\nname: terse\n---\nShort.\n");
        _tree.Write("styled/more-styles/formal.md", "---\nname: formal\n---\nFormal.\n");
        _tree.Write("styled/output-styles/ignored.md", "---\nname: ignored\n---\nNot read.\n");

        var result = PluginReader.Read(_tree["styled"]);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(
            [Path.GetFullPath(_tree["styled/styles/terse.md"]), Path.GetFullPath(_tree["styled/more-styles"])],
            result.Plugin!.OutputStylePaths.Select(Path.GetFullPath));
    }

    [Fact]
    public void Read_AManifestWithoutOutputStyles_ReadsTheOutputStylesFolder()
    {
        _tree.Write("plain/.claude-plugin/plugin.json", """{"name": "plain"}""");

        var result = PluginReader.Read(_tree["plain"]);

        Assert.Equal([Path.GetFullPath(_tree["plain/output-styles"])], result.Plugin!.OutputStylePaths.Select(Path.GetFullPath));
    }

    [Fact]
    public void Read_AnOutputStylesPathLeavingThePlugin_IsReportedWithItsKey()
    {
        _tree.Write("escape/.claude-plugin/plugin.json", """{"name": "escape", "outputStyles": "../elsewhere"}""");

        var result = PluginReader.Read(_tree["escape"]);

        Assert.Contains(result.Diagnostics, d => d.Message.Contains("outputStyles", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_WithoutAManifest_TakesTheNameFromTheDirectory()
    {
        _tree.Write("auto-named/skills/x/SKILL.md", TempTree.Skill("x", "d"));

        var p = PluginReader.Read(_tree["auto-named"]).Plugin!;

        Assert.Equal("auto-named", p.Name);
        Assert.Equal("auto-named:x", Assert.Single(p.Skills).Metadata.Name);
        Assert.Null(p.Hooks);
    }

    [Fact]
    public void Read_BadManifestJson_IsBrokenWithFileAndLine()
    {
        _tree.Write("p/.claude-plugin/plugin.json", "{\n  \"name\": \"p\",\n  \"version\": 1.0.0\n}");

        var result = PluginReader.Read(_tree["p"]);

        Assert.Null(result.Plugin);
        var d = Assert.Single(result.Diagnostics);
        Assert.EndsWith("plugin.json", d.File, StringComparison.Ordinal);
        Assert.Equal(3, d.Line);
        Assert.Contains("invalid JSON", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ManifestWithoutName_IsBroken()
    {
        _tree.Write("p/.claude-plugin/plugin.json", "{ \"version\": \"1.0.0\" }");

        var result = PluginReader.Read(_tree["p"]);

        Assert.Null(result.Plugin);
        Assert.Contains("missing required field \"name\"", Assert.Single(result.Diagnostics).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"my plugin\"")]
    [InlineData("\"a:b\"")]
    [InlineData("42")]
    public void Read_AnUnusableName_IsBroken(string name)
    {
        _tree.Write("p/.claude-plugin/plugin.json", $"{{\n\"name\": {name}\n}}");

        var result = PluginReader.Read(_tree["p"]);

        Assert.Null(result.Plugin);
        Assert.Equal(2, result.Diagnostics.Single(d => d.IsError).Line);
    }

    [Fact]
    public void Read_ANonKebabName_IsAWarning()
    {
        _tree.Write("p/.claude-plugin/plugin.json", "{ \"name\": \"MyPlugin\" }");

        var result = PluginReader.Read(_tree["p"]);

        Assert.Equal("MyPlugin", result.Plugin!.Name);
        Assert.Equal(LoadSeverity.Warning, Assert.Single(result.Diagnostics).Severity);
    }

    [Theory]
    [InlineData("\"commands\": \"../outside\"")]
    [InlineData("\"agents\": [\"./agents\", \"./../../etc\"]")]
    [InlineData("\"hooks\": \"/etc/hooks.json\"")]
    [InlineData("\"mcpServers\": \"~/mcp.json\"")]
    public void Read_APathLeavingThePluginRoot_IsBrokenNamingTheKeyLine(string field)
    {
        _tree.Write("p/.claude-plugin/plugin.json", $"{{\n  \"name\": \"p\",\n  {field}\n}}");

        var result = PluginReader.Read(_tree["p"]);

        Assert.Null(result.Plugin);
        var d = result.Diagnostics.Single(x => x.IsError);
        Assert.Equal(3, d.Line);
        Assert.Matches("escapes the plugin root|must be relative", d.Message);
    }

    [Fact]
    public void Read_ASymlinkedComponentLeavingTheRoot_IsBroken()
    {
        _tree.Write("outside/x.md", "x");
        _tree.Write("p/.claude-plugin/plugin.json", "{ \"name\": \"p\", \"commands\": \"./cmds\" }");
        Directory.CreateSymbolicLink(_tree["p/cmds"], _tree["outside"]);

        Assert.Null(PluginReader.Read(_tree["p"]).Plugin);
    }

    [Theory]
    [InlineData("{ \"hooks\": { \"PreToolUse\": [ { \"matcher\": \"Bash\" ", "invalid JSON")]
    [InlineData("{ \"hooks\": [] }", "\"hooks\" must be an object")]
    [InlineData("{ \"hooks\": { \"PreToolUse\": {} } }", "must be a list")]
    [InlineData("{ \"hooks\": { \"PreToolUse\": [ { \"matcher\": \"x\" } ] } }", "\"hooks\" list")]
    [InlineData("{ \"hooks\": { \"Stop\": [ { \"hooks\": [ { \"command\": \"x\" } ] } ] } }", "\"type\"")]
    public void Read_BadHooksJson_IsBroken(string hooks, string why)
    {
        PluginTrees.WriteGood(_tree, "p", "p");
        _tree.Write("p/hooks/hooks.json", hooks);

        var result = PluginReader.Read(_tree["p"]);

        Assert.Null(result.Plugin);
        var d = result.Diagnostics.First(x => x.IsError);
        Assert.EndsWith("hooks.json", d.File, StringComparison.Ordinal);
        Assert.NotNull(d.Line);
        Assert.Contains(why, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AnUnknownHookEvent_IsAWarning()
    {
        PluginTrees.WriteGood(_tree, "p", "p");
        _tree.Write("p/hooks/hooks.json", "{ \"hooks\": { \"OnCoffee\": [ { \"hooks\": [ { \"type\": \"command\", \"command\": \"x\" } ] } ] } }");

        var result = PluginReader.Read(_tree["p"]);

        Assert.NotNull(result.Plugin);
        Assert.Contains("OnCoffee", Assert.Single(result.Diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BadMcpJson_IsBroken()
    {
        PluginTrees.WriteGood(_tree, "p", "p");
        _tree.Write("p/.mcp.json", "{ \"mcpServers\": { \"db\": \"not an object\" } }");

        var result = PluginReader.Read(_tree["p"]);

        Assert.Null(result.Plugin);
        Assert.Contains("\"db\"", result.Diagnostics.Single(d => d.IsError).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_InlineHooksAndMcpAndPathOverrides_AreUsed()
    {
        _tree.Write("p/.claude-plugin/plugin.json", """
            { "name": "p",
              "commands": ["./extra/one.md"],
              "skills": "./more-skills",
              "hooks": { "Stop": [ { "hooks": [ { "type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/stop.sh" } ] } ] },
              "mcpServers": { "web": { "url": "http://127.0.0.1:1/mcp" } } }
            """);
        _tree.Write("p/commands/ignored.md", "replaced by the manifest");
        _tree.Write("p/extra/one.md", "one");
        _tree.Write("p/more-skills/m/SKILL.md", TempTree.Skill("m", "d"));

        var result = PluginReader.Read(_tree["p"]);

        var p = result.Plugin!;
        Assert.Equal(["p:one"], p.Commands.Select(c => c.Name));
        Assert.Equal(["p:m"], p.Skills.Select(s => s.Metadata.Name));
        Assert.Equal($"{_tree["p"]}/stop.sh", p.Hooks!.Events["Stop"][0].GetProperty("hooks")[0].GetProperty("command").GetString());
        Assert.True(p.McpServers.ContainsKey("web"));
    }

    [Fact]
    public void Read_ABrokenSkill_IsReportedAndThePluginStillLoads()
    {
        PluginTrees.WriteGood(_tree, "p", "p");
        _tree.Write("p/skills/bad/SKILL.md", "---\nname: bad\n---\n");

        var result = PluginReader.Read(_tree["p"]);

        Assert.Equal(2, result.Plugin!.Skills.Length);
        Assert.Single(result.Diagnostics, d => d.IsError);
    }

    [Fact]
    public void Read_NotADirectory_IsBroken() => Assert.Null(PluginReader.Read(_tree["missing"]).Plugin);

    [Fact]
    public void Read_AManifestListingFoldersUnderSkillsAndAgents_LoadsEachOnceWithoutProblems()
    {
        // The shape of wshobson/agents' pptx-deck-creation: "skills" names folders that skills/ holds anyway.
        _tree.Write("p/.claude-plugin/plugin.json", """{ "name": "deck", "skills": ["./skills/a", "./skills/b"], "agents": ["./agents", "./agents/x.md"] }""");
        _tree.Write("p/skills/a/SKILL.md", TempTree.Skill("a", "first"));
        _tree.Write("p/skills/b/SKILL.md", TempTree.Skill("b", "second"));
        _tree.Write("p/agents/x.md", "---\nname: x\ndescription: X\n---\nYou are x.");

        var result = PluginReader.Read(_tree["p"]);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(["deck:a", "deck:b"], result.Plugin!.Skills.Select(s => s.Metadata.Name));
        Assert.Equal("deck:x", Assert.Single(result.Plugin.Agents).Name);
    }

    [Fact]
    public void Read_AnAgent_ReadsItsSystemPromptWhenSpawned_WithThePluginRootSubstituted()
    {
        _tree.Write("lazy/.claude-plugin/plugin.json", """{"name": "lazy"}""");
        var file = _tree.Write("lazy/agents/helper.md", "---\ndescription: Helps.\n---\nOld prompt.\n");
        var agent = Assert.Single(PluginReader.Read(_tree["lazy"]).Plugin!.Agents);
        Assert.False(agent.PromptSource!.IsLoaded);

        File.WriteAllText(file, "---\ndescription: Helps.\n---\nRun ${CLAUDE_PLUGIN_ROOT}/bin/x.\n");
        var definition = agent.ToDefinition();

        Assert.Equal($"Run {_tree["lazy"]}/bin/x.", definition.SystemPrompt);
        Assert.Equal(definition.SystemPrompt, agent.Prompt);
        Assert.Equal(1, agent.PromptSource.Reads);
    }

    [Fact]
    public void Read_AnAgentWithAnEmptySystemPrompt_IsStillSkippedAtLoadNamingTheFile()
    {
        _tree.Write("empty/.claude-plugin/plugin.json", """{"name": "empty"}""");
        var file = _tree.Write("empty/agents/blank.md", "---\ndescription: Nothing.\n---\n   \n");

        var result = PluginReader.Read(_tree["empty"]);

        Assert.Empty(result.Plugin!.Agents);
        var problem = Assert.Single(result.Diagnostics);
        Assert.Equal(file, problem.File);
        Assert.Contains("empty system prompt", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AnAgentWhoseFileIsDeletedBeforeItIsSpawned_FailsNamingTheFile()
    {
        _tree.Write("del/.claude-plugin/plugin.json", """{"name": "del"}""");
        var file = _tree.Write("del/agents/gone.md", "---\ndescription: Goes away.\n---\nPrompt.\n");
        var definition = Assert.Single(PluginReader.Read(_tree["del"]).Plugin!.Agents).ToDefinition();
        File.Delete(file);

        var ex = Assert.Throws<MarkdownBodyException>(() => definition.SystemPrompt);

        Assert.Contains(file, ex.Message, StringComparison.Ordinal);
    }
}
