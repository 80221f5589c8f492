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
    public void Read_AnAgentWhoseFrontmatterClaudeCodeCannotReadAndThatHasNoName_IsNamedByItsFileWithoutANote()
    {
        _tree.Write("ship/.claude-plugin/plugin.json", """{"name": "ship"}""");
        var file = _tree.Write("ship/agents/project-shipper.md",
            "---\ndescription: Use this agent near launches.\n\n<example>\nContext: a launch\nuser: \"ship it\"\n</example>\ncolor: purple\n---\n\nYou ship.\n");

        var result = PluginReader.Read(_tree["ship"]);

        var agent = Assert.Single(result.Plugin!.Agents);
        Assert.Equal("ship:project-shipper", agent.Name);
        Assert.StartsWith("Use this agent near launches.", agent.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Diagnostics, d => d.File == file);
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

    private PluginReadResult ReadWithManifest(string manifest, string dir = "p")
    {
        _tree.Write($"{dir}/.claude-plugin/plugin.json", manifest);
        return PluginReader.Read(_tree[dir]);
    }

    private string ManifestOf(string dir = "p") => _tree[$"{dir}/.claude-plugin/plugin.json"];

    [Fact]
    public void Read_NotADirectory_SaysSoNamingThePath()
    {
        var result = PluginReader.Read(_tree["missing"]);

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(_tree["missing"], d.File);
        Assert.Null(d.Line);
        Assert.Equal("not a directory; plugin skipped", d.Message);
        Assert.True(d.IsError);
    }

    [Fact]
    public void Read_ARootWithATrailingSeparator_IsThePluginAtThatRoot()
    {
        PluginTrees.WriteGood(_tree, "p", "p");

        var p = PluginReader.Read(_tree["p"] + "/").Plugin!;

        Assert.Equal(_tree["p"], p.Root);
        Assert.Equal(_tree["p/.claude-plugin/plugin.json"], p.Manifest.ManifestPath);
    }

    [Fact]
    public void Read_AManifestThatIsNotAnObject_IsBrokenOnLineOne()
    {
        var result = ReadWithManifest("[\"name\"]");

        Assert.Null(result.Plugin);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(ManifestOf(), d.File);
        Assert.Equal(1, d.Line);
        Assert.Equal("the manifest must be a JSON object; plugin skipped", d.Message);
    }

    [Fact]
    public void Read_ManifestWithoutName_IsBrokenOnLineOneSayingWhy()
    {
        var d = Assert.Single(ReadWithManifest("{\n  \"version\": \"1.0.0\"\n}").Diagnostics);

        Assert.Equal(ManifestOf(), d.File);
        Assert.Equal(1, d.Line);
        Assert.Equal("missing required field \"name\"; plugin skipped", d.Message);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("null")]
    [InlineData("[\"p\"]")]
    public void Read_ANameThatIsNotANonEmptyString_IsBrokenOnItsLine(string name)
    {
        var result = ReadWithManifest($"{{\n  \"version\": \"1\",\n  \"name\": {name}\n}}");

        Assert.Null(result.Plugin);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(3, d.Line);
        Assert.Equal("\"name\" must be a non-empty string; plugin skipped", d.Message);
    }

    [Fact]
    public void Read_TheNameIsTrimmed() =>
        Assert.Equal("p", ReadWithManifest("{ \"name\": \"  p \" }").Plugin!.Name);

    [Theory]
    [InlineData("my plugin")]
    [InlineData("a@b")]
    [InlineData("a/b")]
    [InlineData("a\\\\b")]
    [InlineData("a\\tb")]
    [InlineData(".")]
    [InlineData("..")]
    public void Read_AnUnusableName_IsBrokenSayingWhichCharactersAreRefused(string name)
    {
        var result = ReadWithManifest($"{{\n\"name\": \"{name}\"\n}}");

        Assert.Null(result.Plugin);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(ManifestOf(), d.File);
        Assert.Equal(2, d.Line);
        Assert.EndsWith("' cannot be used: no spaces, ':', '@' or '/'; plugin skipped", d.Message, StringComparison.Ordinal);
        Assert.StartsWith("plugin name '", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("p", true)]
    [InlineData("My_Plugin.v2", true)]
    [InlineData("", false)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("...", true)]
    [InlineData("a b", false)]
    [InlineData("a:b", false)]
    [InlineData("a@b", false)]
    [InlineData("a/b", false)]
    [InlineData("a\\b", false)]
    [InlineData("a\u0001b", false)]
    public void IsUsableName_RefusesWhatCannotNameANamespaceOrASettingsKey(string name, bool usable) =>
        Assert.Equal(usable, PluginReader.IsUsableName(name));

    [Fact]
    public void Read_ANonKebabName_WarnsOnTheNameLineWithTheRule()
    {
        var result = ReadWithManifest("{\n  \"name\": \"MyPlugin\"\n}");

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(ManifestOf(), d.File);
        Assert.Equal(2, d.Line);
        Assert.Equal("plugin name 'MyPlugin' is not kebab-case: only lowercase letters, digits and hyphens are allowed", d.Message);
    }

    [Fact]
    public void Read_ANonKebabDirectoryName_WarnsNamingTheDirectory()
    {
        _tree.Write("My_Plugin/commands/x.md", "x");

        var result = PluginReader.Read(_tree["My_Plugin"]);

        Assert.Equal("My_Plugin", result.Plugin!.Name);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(_tree["My_Plugin"], d.File);
        Assert.Null(d.Line);
        Assert.False(d.IsError);
    }

    [Fact]
    public void Read_TheManifestFields_AreTheManifests()
    {
        var p = ReadWithManifest("""
            { "name": "p", "version": "2.0.0", "description": "Does p.", "author": "Ada Lovelace",
              "homepage": "https://example.com/p", "repository": { "type": "git", "url": "https://example.com/p.git" },
              "license": "MIT", "keywords": ["a", 1, "b"] }
            """).Plugin!;

        Assert.Equal("2.0.0", p.Manifest.Version);
        Assert.Equal("Does p.", p.Manifest.Description);
        Assert.Equal("Ada Lovelace", p.Manifest.Author);
        Assert.Equal("https://example.com/p", p.Manifest.Homepage);
        Assert.Equal("https://example.com/p.git", p.Manifest.Repository);
        Assert.Equal("MIT", p.Manifest.License);
        Assert.Equal(["a", "b"], p.Manifest.Keywords);
        Assert.True(p.Manifest.Strict);
        Assert.Null(p.Manifest.Marketplace);
        Assert.Equal("p", p.Manifest.Raw.GetProperty("name").GetString());
    }

    [Fact]
    public void Read_ManifestFieldsOfTheWrongType_AreLeftOut()
    {
        var p = ReadWithManifest("""{ "name": "p", "version": 2, "author": { "email": "a@b" }, "repository": 3, "keywords": "a" }""").Plugin!;

        Assert.Null(p.Manifest.Version);
        Assert.Null(p.Manifest.Author);
        Assert.Null(p.Manifest.Repository);
        Assert.Empty(p.Manifest.Keywords);
    }

    [Fact]
    public void Read_WithoutAManifest_HasNoManifestFields()
    {
        _tree.Write("bare/commands/x.md", "x");

        var p = PluginReader.Read(_tree["bare"]).Plugin!;

        Assert.Null(p.Manifest.ManifestPath);
        Assert.Null(p.Manifest.Version);
        Assert.Empty(p.Manifest.Keywords);
        Assert.Empty(p.McpServers);
        Assert.Null(p.Hooks);
    }

    [Fact]
    public void Read_APathLeavingThePluginRoot_SaysWhichKeyAndPath()
    {
        var result = ReadWithManifest("{\n  \"name\": \"p\",\n  \"commands\": \"../outside\"\n}");

        Assert.Null(result.Plugin);
        var d = Assert.Single(result.Diagnostics, x => x.IsError);
        Assert.Equal(ManifestOf(), d.File);
        Assert.Equal("\"commands\": '../outside' escapes the plugin root; plugin skipped", d.Message);
    }

    [Theory]
    [InlineData("\"hooks\": \"/etc/hooks.json\"", "\"hooks\": '/etc/hooks.json' must be relative to the plugin root (start with ./); plugin skipped")]
    [InlineData("\"skills\": \"~/skills\"", "\"skills\": '~/skills' must be relative to the plugin root (start with ./); plugin skipped")]
    [InlineData("\"commands\": 3", "\"commands\" must be a path or a list of paths; plugin skipped")]
    [InlineData("\"commands\": {}", "\"commands\" must be a path or a list of paths; plugin skipped")]
    [InlineData("\"hooks\": true", "\"hooks\" must be a path, a list of paths or an object; plugin skipped")]
    [InlineData("\"mcpServers\": 1", "\"mcpServers\" must be a path, a list of paths or an object; plugin skipped")]
    [InlineData("\"outputStyles\": false", "\"outputStyles\" must be a path or a list of paths; plugin skipped")]
    [InlineData("\"workflows\": 1", "\"workflows\" must be a path or a list of paths; plugin skipped")]
    [InlineData("\"agents\": \"./../../etc\"", "\"agents\": './../../etc' escapes the plugin root; plugin skipped")]
    public void Read_ABadComponentPath_IsBrokenOnItsLineSayingWhy(string field, string message)
    {
        var result = ReadWithManifest($"{{\n  \"name\": \"p\",\n  {field}\n}}");

        Assert.Null(result.Plugin);
        var d = Assert.Single(result.Diagnostics, x => x.IsError);
        Assert.Equal(ManifestOf(), d.File);
        Assert.Equal(3, d.Line);
        Assert.Equal(message, d.Message);
    }

    [Fact]
    public void Read_AListItemThatIsNotAString_IsBrokenOnItsLine()
    {
        var result = ReadWithManifest("{\n  \"name\": \"p\",\n  \"agents\": [\n    \"./agents\",\n    7\n  ]\n}");

        Assert.Null(result.Plugin);
        var d = Assert.Single(result.Diagnostics, x => x.IsError);
        Assert.Equal(5, d.Line);
        Assert.Equal("\"agents[1]\" must be a path string; plugin skipped", d.Message);
    }

    [Fact]
    public void Read_AListItemLeavingTheRoot_IsNamedWithItsIndex()
    {
        var result = ReadWithManifest("{\n  \"name\": \"p\",\n  \"commands\": [\"./c\", \"../x\"]\n}");

        Assert.Equal("\"commands[1]\": '../x' escapes the plugin root; plugin skipped", Assert.Single(result.Diagnostics, x => x.IsError).Message);
    }

    [Fact]
    public void Read_AListItemLeavingTheRoot_IsBrokenOnTheItemsLine()
    {
        var result = ReadWithManifest("{\n  \"name\": \"p\",\n  \"commands\": [\n    \"./c\",\n    \"../x\"\n  ]\n}");

        var d = Assert.Single(result.Diagnostics, x => x.IsError);
        Assert.Equal(5, d.Line);
        Assert.Equal("\"commands[1]\": '../x' escapes the plugin root; plugin skipped", d.Message);
    }

    [Fact]
    public void Read_AComponentPathWithoutDotSlashOrThatDoesNotExist_IsAWarning()
    {
        _tree.Write("p/extra/one.md", "one");

        var result = ReadWithManifest("{\n  \"name\": \"p\",\n  \"commands\": \"extra/one.md\",\n  \"agents\": \"./none\"\n}");

        Assert.NotNull(result.Plugin);
        Assert.Equal(["p:one"], result.Plugin.Commands.Select(c => c.Name));
        Assert.Equal(
            [$"{ManifestOf()}:3: warning: \"commands\": 'extra/one.md' should start with ./",
             $"{ManifestOf()}:4: warning: \"agents\": './none' does not exist"],
            result.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void Read_AComponentPathOfNull_IsAsIfNotGiven()
    {
        PluginTrees.WriteGood(_tree, "p", "p");
        _tree.Write("p/.claude-plugin/plugin.json", """{ "name": "p", "commands": null, "hooks": null, "mcpServers": null }""");

        var result = PluginReader.Read(_tree["p"]);

        Assert.Empty(result.Diagnostics);
        Assert.Equal("p:deploy", Assert.Single(result.Plugin!.Commands).Name);
        Assert.NotNull(result.Plugin.Hooks);
        Assert.True(result.Plugin.McpServers.ContainsKey("db"));
    }

    [Fact]
    public void Read_ASymlinkedFolderOnTheWayOutOfTheRoot_IsBroken()
    {
        // ./link/sub resolves to outside/sub: the link is not the last part of the path, but the path still leaves.
        _tree.Write("outside/sub/x.md", "x");
        _tree.Write("p/.claude-plugin/plugin.json", "{ \"name\": \"p\", \"commands\": \"./link/sub\" }");
        Directory.CreateSymbolicLink(_tree["p/link"], _tree["outside"]);

        var result = PluginReader.Read(_tree["p"]);

        Assert.Null(result.Plugin);
        Assert.Equal("\"commands\": './link/sub' escapes the plugin root; plugin skipped", Assert.Single(result.Diagnostics, d => d.IsError).Message);
    }

    [Fact]
    public void Read_ASymlinkInsideTheRoot_IsFollowed()
    {
        _tree.Write("p/real/x.md", "x");
        _tree.Write("p/.claude-plugin/plugin.json", "{ \"name\": \"p\", \"commands\": \"./alias\" }");
        Directory.CreateSymbolicLink(_tree["p/alias"], _tree["p/real"]);

        var result = PluginReader.Read(_tree["p"]);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(["p:x"], result.Plugin!.Commands.Select(c => c.Name));
    }

    [Theory]
    [InlineData("[]", 1, "hooks must be a JSON object {\"hooks\": {\"EventName\": [...]}}; plugin skipped")]
    [InlineData("{\n\"hooks\": []\n}", 2, "\"hooks\" must be an object mapping event names to lists of matcher groups; plugin skipped")]
    [InlineData("{ \"hooks\": {\n\"PreToolUse\": {}\n} }", 2, "hooks event \"PreToolUse\" must be a list of matcher groups; plugin skipped")]
    [InlineData("{ \"hooks\": { \"PreToolUse\": [\n{ \"matcher\": \"x\" }\n] } }", 2, "hooks.PreToolUse[0] must be an object with a \"hooks\" list; plugin skipped")]
    [InlineData("{ \"hooks\": { \"Stop\": [\n{ \"hooks\": [ { \"command\": \"x\" } ] }\n] } }", 2, "hooks.Stop[0]: every hook needs a \"type\" (e.g. \"command\"); plugin skipped")]
    [InlineData("{ \"hooks\": { \"Stop\": [ { \"hooks\": [] },\n{ \"hooks\": [ { \"type\": 1 } ] }\n] } }", 2, "hooks.Stop[1]: every hook needs a \"type\" (e.g. \"command\"); plugin skipped")]
    [InlineData("{ \"hooks\": { \"Stop\": [\n\"x\"\n] } }", 2, "hooks.Stop[0] must be an object with a \"hooks\" list; plugin skipped")]
    [InlineData("{ \"hooks\": { \"Stop\": [\n{ \"hooks\": {} }\n] } }", 2, "hooks.Stop[0] must be an object with a \"hooks\" list; plugin skipped")]
    [InlineData("{ \"hooks\": { \"Stop\": [\n{ \"hooks\": [ \"x\" ] }\n] } }", 2, "hooks.Stop[0]: every hook needs a \"type\" (e.g. \"command\"); plugin skipped")]
    public void Read_BadHooksJson_IsBrokenOnTheLineOfWhatIsWrong(string hooks, int line, string message)
    {
        _tree.Write("p/.claude-plugin/plugin.json", "{ \"name\": \"p\" }");
        var file = _tree.Write("p/hooks/hooks.json", hooks);

        var result = PluginReader.Read(_tree["p"]);

        Assert.Null(result.Plugin);
        var d = Assert.Single(result.Diagnostics, x => x.IsError);
        Assert.Equal(file, d.File);
        Assert.Equal(line, d.Line);
        Assert.Equal(message, d.Message);
    }

    [Fact]
    public void Read_HooksWithoutTheHooksWrapper_AreReadAsEvents()
    {
        _tree.Write("p/.claude-plugin/plugin.json", "{ \"name\": \"p\" }");
        var file = _tree.Write("p/hooks/hooks.json", "{ \"Stop\": [ { \"hooks\": [ { \"type\": \"command\", \"command\": \"x\" } ] } ] }");

        var hooks = PluginReader.Read(_tree["p"]).Plugin!.Hooks!;

        Assert.Equal(["Stop"], hooks.Events.Keys);
        Assert.Equal(file, hooks.SourcePath);
        Assert.Equal("p", hooks.PluginName);
    }

    [Fact]
    public void Read_AnUnknownHookEvent_WarnsOnItsLineAndKeepsIt()
    {
        _tree.Write("p/.claude-plugin/plugin.json", "{ \"name\": \"p\" }");
        var file = _tree.Write("p/hooks/hooks.json", "{ \"hooks\": {\n\"OnCoffee\": [ { \"hooks\": [ { \"type\": \"command\", \"command\": \"x\" } ] } ] } }");

        var result = PluginReader.Read(_tree["p"]);

        Assert.Equal($"{file}:2: warning: unknown hook event \"OnCoffee\"", Assert.Single(result.Diagnostics).ToString());
        Assert.Equal(["OnCoffee"], result.Plugin!.Hooks!.Events.Keys);
    }

    [Fact]
    public void Read_EveryClaudeCodeHookEvent_IsKnown()
    {
        var events = new[]
        {
            "SessionStart", "Setup", "UserPromptSubmit", "UserPromptExpansion", "PreToolUse", "PermissionRequest", "PermissionDenied",
            "PostToolUse", "PostToolUseFailure", "PostToolBatch", "Notification", "MessageDisplay", "SubagentStart", "SubagentStop",
            "TaskCreated", "TaskCompleted", "Stop", "StopFailure", "TeammateIdle", "InstructionsLoaded", "ConfigChange", "CwdChanged",
            "DirectoryAdded", "FileChanged", "WorktreeCreate", "WorktreeRemove", "PreCompact", "PostCompact", "Elicitation",
            "ElicitationResult", "SessionEnd",
        };
        var group = "[ { \"hooks\": [ { \"type\": \"command\", \"command\": \"x\" } ] } ]";
        _tree.Write("p/.claude-plugin/plugin.json", "{ \"name\": \"p\" }");
        _tree.Write("p/hooks/hooks.json", "{ \"hooks\": { " + string.Join(", ", events.Select(e => $"\"{e}\": {group}")) + " } }");

        var result = PluginReader.Read(_tree["p"]);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(events.Order(StringComparer.Ordinal), result.Plugin!.Hooks!.Events.Keys);
        Assert.Equal(events.Length, PluginReader.KnownHookEvents.Count);
    }

    [Fact]
    public void Read_HooksFromTwoFiles_AreMergedPerEventNamingBothSources()
    {
        _tree.Write("p/.claude-plugin/plugin.json", """{ "name": "p", "hooks": ["./h/a.json", "./h/b.json"] }""");
        var a = _tree.Write("p/h/a.json", """{ "hooks": { "Stop": [ { "hooks": [ { "type": "command", "command": "a" } ] } ] } }""");
        var b = _tree.Write("p/h/b.json", """{ "hooks": { "Stop": [ { "hooks": [ { "type": "command", "command": "b" } ] } ], "PreToolUse": [ { "hooks": [ { "type": "command", "command": "c" } ] } ] } }""");

        var hooks = PluginReader.Read(_tree["p"]).Plugin!.Hooks!;

        Assert.Equal($"{a}, {b}", hooks.SourcePath);
        Assert.Equal(["PreToolUse", "Stop"], hooks.Events.Keys);
        Assert.Equal(["a", "b"], hooks.Events["Stop"].Select(g => g.GetProperty("hooks")[0].GetProperty("command").GetString()));
    }

    [Fact]
    public void Read_AnInlineHooksObjectThatIsWrong_IsBrokenOnItsManifestLine()
    {
        var result = ReadWithManifest("{\n  \"name\": \"p\",\n  \"hooks\": {\n    \"Stop\": {}\n  }\n}");

        Assert.Null(result.Plugin);
        var d = Assert.Single(result.Diagnostics, x => x.IsError);
        Assert.Equal(ManifestOf(), d.File);
        Assert.Equal(4, d.Line);
        Assert.Equal("hooks event \"Stop\" must be a list of matcher groups; plugin skipped", d.Message);
    }

    [Fact]
    public void Read_AHooksFileThatIsNotJson_IsBrokenNamingIt()
    {
        var file = _tree.Write("p/hooks/hooks.json", "{ nope");
        _tree.Write("p/.claude-plugin/plugin.json", "{ \"name\": \"p\" }");

        var result = PluginReader.Read(_tree["p"]);

        Assert.Null(result.Plugin);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(file, d.File);
        Assert.StartsWith("invalid JSON in the hooks file: ", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AnMcpFileThatIsNotJson_IsBrokenNamingIt()
    {
        var file = _tree.Write("p/.mcp.json", "{ nope");
        _tree.Write("p/.claude-plugin/plugin.json", "{ \"name\": \"p\" }");

        var result = PluginReader.Read(_tree["p"]);

        Assert.Null(result.Plugin);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(file, d.File);
        Assert.StartsWith("invalid JSON in the MCP configuration: ", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", 1, "MCP servers must be an object {\"mcpServers\": {\"name\": {...}}}; plugin skipped")]
    [InlineData("{\n\"mcpServers\": []\n}", 2, "MCP servers must be an object {\"mcpServers\": {\"name\": {...}}}; plugin skipped")]
    [InlineData("{ \"mcpServers\": {\n\"db\": \"x\"\n} }", 2, "MCP server \"db\" must be an object with \"command\" or \"url\"; plugin skipped")]
    [InlineData("{\n\"db\": 1\n}", 2, "MCP server \"db\" must be an object with \"command\" or \"url\"; plugin skipped")]
    public void Read_BadMcpJson_IsBrokenOnTheLineOfWhatIsWrong(string json, int line, string message)
    {
        _tree.Write("p/.claude-plugin/plugin.json", "{ \"name\": \"p\" }");
        var file = _tree.Write("p/.mcp.json", json);

        var result = PluginReader.Read(_tree["p"]);

        Assert.Null(result.Plugin);
        var d = Assert.Single(result.Diagnostics, x => x.IsError);
        Assert.Equal(file, d.File);
        Assert.Equal(line, d.Line);
        Assert.Equal(message, d.Message);
    }

    [Fact]
    public void Read_McpServersWithoutTheWrapper_AreReadAsServers()
    {
        _tree.Write("p/.claude-plugin/plugin.json", "{ \"name\": \"p\" }");
        _tree.Write("p/.mcp.json", "{ \"db\": { \"command\": \"${CLAUDE_PLUGIN_ROOT}/db\" } }");

        var p = PluginReader.Read(_tree["p"]).Plugin!;

        Assert.Equal($"{_tree["p"]}/db", p.McpServers["db"].GetProperty("command").GetString());
    }

    [Fact]
    public void Read_AnInlineMcpServerThatIsWrong_IsBrokenOnItsManifestLine()
    {
        var result = ReadWithManifest("{\n  \"name\": \"p\",\n  \"mcpServers\": {\n    \"db\": 1\n  }\n}");

        var d = Assert.Single(result.Diagnostics, x => x.IsError);
        Assert.Equal(ManifestOf(), d.File);
        Assert.Equal(4, d.Line);
        Assert.Equal("MCP server \"db\" must be an object with \"command\" or \"url\"; plugin skipped", d.Message);
    }

    [Fact]
    public void Read_McpServersFromTwoFiles_AreMerged_TheLaterWinningAName()
    {
        _tree.Write("p/.claude-plugin/plugin.json", """{ "name": "p", "mcpServers": ["./a.json", "./b.json"] }""");
        _tree.Write("p/a.json", """{ "mcpServers": { "one": { "command": "a" }, "two": { "command": "a" } } }""");
        _tree.Write("p/b.json", """{ "mcpServers": { "two": { "command": "b" } } }""");

        var servers = PluginReader.Read(_tree["p"]).Plugin!.McpServers;

        Assert.Equal(["one", "two"], servers.Keys);
        Assert.Equal("b", servers["two"].GetProperty("command").GetString());
    }

    [Fact]
    public void Read_TwoSkillsOfOneName_KeepsTheFirstAndReportsTheSecond()
    {
        _tree.Write("p/.claude-plugin/plugin.json", """{ "name": "p", "skills": "./more" }""");
        _tree.Write("p/skills/x/SKILL.md", TempTree.Skill("x", "first"));
        var second = _tree.Write("p/more/x/SKILL.md", TempTree.Skill("x", "second"));

        var result = PluginReader.Read(_tree["p"]);

        Assert.Equal("first", Assert.Single(result.Plugin!.Skills).Metadata.Description);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(second, d.File);
        Assert.Equal("another skill of this plugin is already named 'p:x'; skill skipped", d.Message);
        Assert.True(d.IsError);
    }

    [Fact]
    public void Read_AManifestSkillPathToOneSkillFolder_LoadsThatSkill()
    {
        _tree.Write("p/.claude-plugin/plugin.json", """{ "name": "p", "skills": "./extra/one" }""");
        _tree.Write("p/extra/one/SKILL.md", TempTree.Skill("one", "d"));

        Assert.Equal(["p:one"], PluginReader.Read(_tree["p"]).Plugin!.Skills.Select(s => s.Metadata.Name));
    }

    [Fact]
    public void Read_Commands_AreSortedByName_AndAFileListedTwiceGivesOneCommand()
    {
        _tree.Write("p/.claude-plugin/plugin.json", """{ "name": "p", "commands": ["./c/zeta.md", "./c", "./c/zeta.md"] }""");
        _tree.Write("p/c/zeta.md", "z");
        _tree.Write("p/c/alpha.md", "a");

        Assert.Equal(["p:alpha", "p:zeta"], PluginReader.Read(_tree["p"]).Plugin!.Commands.Select(c => c.Name));
    }

    [Fact]
    public void Read_AnAgentsTools_DropTheirPermissionPatterns_AndItsModelIsTrimmed()
    {
        _tree.Write("p/.claude-plugin/plugin.json", """{ "name": "p" }""");
        _tree.Write("p/agents/a.md", "---\nname: a\ndescription: A\ntools: Bash(git:*), Read, (odd)\nmodel: \"  sonnet  \"\n---\nYou are a.");
        _tree.Write("p/agents/b.md", "---\nname: b\ndescription: B\nmodel: \"  \"\n---\nYou are b.");

        var agents = PluginReader.Read(_tree["p"]).Plugin!.Agents.ToDictionary(a => a.Name);

        Assert.Equal(["Bash", "Read"], agents["p:a"].Tools);
        Assert.Equal("sonnet", agents["p:a"].Model);
        Assert.Null(agents["p:b"].Tools);
        Assert.Null(agents["p:b"].Model);
        Assert.Equal("B", agents["p:b"].Description);
        Assert.Equal(_tree["p/agents/a.md"], agents["p:a"].Path);
    }

    [Fact]
    public void Read_AgentsAreTheMarkdownFilesOfTheFolderInNameOrder()
    {
        _tree.Write("p/.claude-plugin/plugin.json", """{ "name": "p" }""");
        _tree.Write("p/agents/b.md", "---\ndescription: B\n---\nB.");
        _tree.Write("p/agents/a.md", "---\ndescription: A\n---\nA.");
        _tree.Write("p/agents/notes.txt", "not an agent");

        Assert.Equal(["p:a", "p:b"], PluginReader.Read(_tree["p"]).Plugin!.Agents.Select(a => a.Name));
    }

    [Fact]
    public void Read_AnAgentWithoutDescription_WarnsNamingItOnTheFrontmatterLine()
    {
        _tree.Write("p/.claude-plugin/plugin.json", """{ "name": "p" }""");
        var withFrontmatter = _tree.Write("p/agents/a.md", "---\nname: a\n---\nYou are a.");
        var without = _tree.Write("p/agents/b.md", "You are b.");

        var result = PluginReader.Read(_tree["p"]);

        Assert.Equal(
            [$"{withFrontmatter}:1: warning: agent 'a' has no 'description' (the model needs it to know when to use it); the model is shown its name only",
             $"{without}: warning: agent 'b' has no 'description' (the model needs it to know when to use it); the model is shown its name only"],
            result.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void Read_AnAgentWithAnEmptySystemPrompt_WarnsOnTheBodyLine()
    {
        _tree.Write("p/.claude-plugin/plugin.json", """{ "name": "p" }""");
        var file = _tree.Write("p/agents/blank.md", "---\nname: blank\ndescription: Nothing.\n---\n\n");

        var d = Assert.Single(PluginReader.Read(_tree["p"]).Diagnostics);

        Assert.Equal($"{file}:5: warning: agent 'blank' has an empty system prompt (the text after the frontmatter); loaded as Claude Code does", d.ToString());
    }

    [Fact]
    public void Read_AnAgentWhoseFrontmatterIsNeverClosed_WarnsThatItIsNamedByItsFile()
    {
        _tree.Write("p/.claude-plugin/plugin.json", """{ "name": "p" }""");
        var file = _tree.Write("p/agents/open.md", "---\nname: nope\ndescription: d\n");

        var result = PluginReader.Read(_tree["p"]);

        Assert.Equal("p:open", Assert.Single(result.Plugin!.Agents).Name);
        Assert.Contains(result.Diagnostics, d => d.ToString() ==
            $"{file}:1: warning: the YAML frontmatter opened here is never closed with a '---' line; the agent is loaded as 'open' with no frontmatter fields, as Claude Code does");
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
    }

    [Fact]
    public void RealPath_OfAPathWithoutLinks_IsThePath()
    {
        var file = _tree.Write("plain/x.md", "x");

        Assert.Equal(file, PluginReader.RealPath(file));
        Assert.Equal(_tree["plain"], PluginReader.RealPath(_tree["plain"]));
        Assert.Equal(_tree["plain/none"], PluginReader.RealPath(_tree["plain/none"]));
    }

    [Fact]
    public void RealPath_OfALink_IsItsTarget()
    {
        _tree.Write("target/x.md", "x");
        Directory.CreateSymbolicLink(_tree["link"], _tree["target"]);

        Assert.Equal(_tree["target"], PluginReader.RealPath(_tree["link"]));
        Assert.Equal(_tree["target/x.md"], PluginReader.RealPath(_tree["link/x.md"]));
    }
}
