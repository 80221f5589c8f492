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
        _tree.Write("p/skills/bad/SKILL.md", "---\nother: [oops\n---\nbody\n");

        var result = PluginReader.Read(_tree["p"]);

        Assert.Equal(2, result.Plugin!.Skills.Length);
        Assert.Single(result.Diagnostics, d => d.IsError);
    }

    [Fact]
    public void Read_ASkillWithoutDescription_LoadsItWithAWarningAsClaudeCodeDoes()
    {
        PluginTrees.WriteGood(_tree, "p", "p");
        _tree.Write("p/skills/nodesc/SKILL.md", "---\nname: nodesc\n---\nbody\n");

        var result = PluginReader.Read(_tree["p"]);

        var skill = Assert.Single(result.Plugin!.Skills, s => s.Metadata.Name == "p:nodesc");
        Assert.Equal("", skill.Metadata.Description);
        var d = Assert.Single(result.Diagnostics);
        Assert.False(d.IsError);
        Assert.EndsWith("nodesc/SKILL.md", d.File.Replace('\\', '/'), StringComparison.Ordinal);
        Assert.Contains("slash command only", d.Message, StringComparison.Ordinal);
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
    public void Read_AnAgentWithAnEmptySystemPrompt_LoadsAsInClaudeCodeWithAWarningNamingTheFile()
    {
        _tree.Write("empty/.claude-plugin/plugin.json", """{"name": "empty"}""");
        var file = _tree.Write("empty/agents/blank.md", "---\ndescription: Nothing.\n---\n   \n");

        var result = PluginReader.Read(_tree["empty"]);

        Assert.Equal("empty:blank", Assert.Single(result.Plugin!.Agents).Name);
        var problem = Assert.Single(result.Diagnostics);
        Assert.Equal(file, problem.File);
        Assert.False(problem.IsError);
        Assert.Contains("empty system prompt", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AgentFilesWithoutFrontmatterOrDescription_LoadAsInClaudeCodeNamedByFileOrName()
    {
        // The shape of ananddtyagi/claude-code-marketplace's changelog-generator (no frontmatter at all).
        _tree.Write("bare/.claude-plugin/plugin.json", """{"name": "bare"}""");
        _tree.Write("bare/agents/changelog-generator.md", "You are an expert technical writer.\n");
        _tree.Write("bare/agents/terse.md", "---\nname: terse-one\ntools: Read\n---\nBe terse.\n");

        var result = PluginReader.Read(_tree["bare"]);

        var agents = result.Plugin!.Agents.ToDictionary(a => a.Name);
        Assert.Equal(["bare:changelog-generator", "bare:terse-one"], agents.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("You are an expert technical writer.", agents["bare:changelog-generator"].Prompt);
        Assert.Equal("changelog-generator", agents["bare:changelog-generator"].Description);
        Assert.Equal(["Read"], agents["bare:terse-one"].Tools);
        Assert.Equal(2, result.Diagnostics.Count(d => !d.IsError && d.Message.Contains("has no 'description'", StringComparison.Ordinal)));
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
    }

    [Fact]
    public void Read_AnAgentWhoseFrontmatterClaudeCodeCannotRead_IsNamedByItsFileAndKeepsItsOtherFields()
    {
        // The shape of ananddtyagi/claude-code-marketplace's b2b-project-shipper: "name: project-shipper", then a
        // description continued by <example> lines that stay invalid YAML even quoted. Claude Code names it by the file.
        _tree.Write("ship/.claude-plugin/plugin.json", """{"name": "ship"}""");
        var file = _tree.Write("ship/agents/b2b-project-shipper.md",
            "---\nname: project-shipper\ndescription: Use this agent near launches.\n\n<example>\nContext: a launch\nuser: \"ship it\"\n</example>\ncolor: purple\ntools: Read, Write\n---\n\nYou ship.\n");
        // Values with ": " that quoting repairs: Claude Code reads the name.
        _tree.Write("ship/agents/quoted.md", "---\nname: other-name\ndescription: Use this: when shipping\n---\nYou help.\n");
        // A block never closed: no field is read and the whole text is the prompt, as in Claude Code.
        _tree.Write("ship/agents/broken.md", "---\nname: nope\nBroken but loaded.\n");

        var result = PluginReader.Read(_tree["ship"]);

        var agents = result.Plugin!.Agents.ToDictionary(a => a.Name);
        Assert.Equal(["ship:b2b-project-shipper", "ship:broken", "ship:other-name"], agents.Keys.Order(StringComparer.Ordinal));
        var shipper = agents["ship:b2b-project-shipper"];
        Assert.StartsWith("Use this agent near launches.", shipper.Description, StringComparison.Ordinal);
        Assert.Equal(["Read", "Write"], shipper.Tools);
        Assert.Equal("You ship.", shipper.Prompt);
        Assert.Equal("---\nname: nope\nBroken but loaded.", agents["ship:broken"].Prompt);
        var note = Assert.Single(result.Diagnostics, d => d.File == file);
        Assert.False(note.IsError);
        Assert.Contains("named 'b2b-project-shipper' (by its file), not 'project-shipper'", note.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
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

    [Fact]
    public void Read_TheOfficialCodeModernization_OffersItsWorkflowsAsCommands_AndAWorkflowTakesTheNameOfACommandFile()
    {
        var root = CodeForge.Testing.PluginFixtures.CopyTo(Path.Combine("official", "plugins", "code-modernization"), _tree["cm"]);

        var result = PluginReader.Read(root);

        Assert.Empty(result.Diagnostics);
        var commands = result.Plugin!.Commands;
        Assert.Equal(6, commands.Count(c => c.Workflow is not null));
        // commands/modernize-extract-rules.md and workflows/extract-rules.js (meta.name modernize-extract-rules) give the
        // same name: Claude Code 2.1.337 runs the workflow for /code-modernization:modernize-extract-rules.
        var clash = Assert.Single(commands, c => c.Name == "code-modernization:modernize-extract-rules");
        Assert.Equal(Path.Combine(root, "workflows", "extract-rules.js"), clash.SourcePath);
        Assert.StartsWith("Run the \"code-modernization:modernize-extract-rules\" workflow.", clash.Expand("billing"), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AManifestListingWorkflows_ReadsThoseInsteadOfTheWorkflowsFolder_AndReportsABadOne()
    {
        _tree.Write("wp/.claude-plugin/plugin.json", """{"name": "wp", "workflows": ["./flows", "./one.js"]}""");
        _tree.Write("wp/workflows/ignored.js", "export const meta = { name: 'ignored', description: 'd' }\n");
        _tree.Write("wp/flows/a.js", "export const meta = { name: 'a', description: 'd' }\n");
        _tree.Write("wp/flows/bad.js", "export const meta = { name: 'bad' }\n");
        _tree.Write("wp/one.js", "export const meta = { name: 'one', description: 'd' }\n");

        var result = PluginReader.Read(_tree["wp"]);

        Assert.Equal(["wp:a", "wp:one"], result.Plugin!.Commands.Select(c => c.Name));
        var bad = Assert.Single(result.Diagnostics);
        Assert.Equal(_tree["wp/flows/bad.js"], bad.File);
        Assert.Contains("meta.description must be a non-empty string", bad.Message, StringComparison.Ordinal);
    }
}
