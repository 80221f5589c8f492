using CodeForge.Core.Agent;

namespace CodeForge.Core.Tests.Agent;

public sealed class AgentDefinitionLoaderTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("forge-agents-");

    private string Project => Path.Combine(_root.FullName, "repo");

    private string Home => Path.Combine(_root.FullName, "home");

    public void Dispose() => _root.Delete(recursive: true);

    private static string Write(string baseDir, string folder, string file, string text)
    {
        var dir = Path.Combine(baseDir, folder, "agents");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, file);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Parse_ReadsNameDescriptionToolsModelAndBody()
    {
        var (agent, error) = AgentDefinitionLoader.Parse(
            "---\nname: code-reviewer\ndescription: \"Reviews code: use after changes\"\ntools: Read, Grep, Bash(git diff:*)\nmodel: sonnet\n---\nYou are a reviewer.\n\nBe strict.\n",
            "/x/code-reviewer.md");

        Assert.Null(error);
        Assert.Equal("code-reviewer", agent!.Name);
        Assert.Equal("Reviews code: use after changes", agent.Description);
        Assert.Equal(["Read", "Grep", "Bash"], agent.Tools!.Value);
        Assert.Equal("sonnet", agent.Model);
        Assert.Equal("You are a reviewer.\n\nBe strict.", agent.SystemPrompt);
        Assert.Equal("/x/code-reviewer.md", agent.SourcePath);
    }

    [Fact]
    public void Parse_AcceptsYamlListsBlockScalarsCommentsAndCrLf()
    {
        var (agent, error) = AgentDefinitionLoader.Parse(
            "---\r\n# a comment\r\nname: helper\r\ndescription: >\r\n  Helps with\r\n  many things\r\ntools:\r\n  - Read\r\n  - 'Glob'\r\n---\r\nBody\r\n",
            "/x/helper.md");

        Assert.Null(error);
        Assert.Equal("Helps with many things", agent!.Description);
        Assert.Equal(["Read", "Glob"], agent.Tools!.Value);
        Assert.Null(agent.Model);
    }

    [Fact]
    public void Parse_WithoutToolsOrName_UsesAllToolsAndTheFileName()
    {
        var (agent, error) = AgentDefinitionLoader.Parse("---\ndescription: d\ntools: [Read, Edit]\n---\nBody", "/x/my-agent.md");

        Assert.Null(error);
        Assert.Equal("my-agent", agent!.Name);
        Assert.Equal(["Read", "Edit"], agent.Tools!.Value);
        Assert.Null(AgentDefinitionLoader.Parse("---\ndescription: d\n---\nBody", "/x/a.md").Agent!.Tools);
    }

    [Fact]
    public void Parse_AClaudeCodeAgentWhoseDescriptionIsNotValidYaml_LoadsItAsClaudeCodeDoes()
    {
        // The shape of the official plugins' agents: ": " and <example> blocks on the description line and below it.
        var (agent, error) = AgentDefinitionLoader.Parse(
            "---\nname: code-explorer\ndescription: Use this agent when the user asks how code works. Examples: <example>Context: a question. user: \"How does X work?\" assistant: \"I'll trace it.\"</example>\n  <commentary>Tracing needs it.</commentary>\ntools: Glob, Grep, Read\nmodel: sonnet\ncolor: yellow\n---\nYou explore code.\n",
            "/x/code-explorer.md");

        Assert.Null(error);
        Assert.Equal("code-explorer", agent!.Name);
        Assert.StartsWith("Use this agent when the user asks how code works. Examples: <example>Context: a question.", agent.Description, StringComparison.Ordinal);
        Assert.Contains("<commentary>Tracing needs it.</commentary>", agent.Description, StringComparison.Ordinal);
        Assert.Equal(["Glob", "Grep", "Read"], agent.Tools!.Value);
        Assert.Equal("sonnet", agent.Model);
    }

    [Theory]
    [InlineData("just text", "a.md:1: no frontmatter")]
    [InlineData("---\nname: a\ndescription: d\n", "a.md:1: the YAML frontmatter opened here is never closed")]
    [InlineData("---\nname: a\n---\nBody", "a.md:1: missing 'description'")]
    [InlineData("---\nname: bad name!\ndescription: d\n---\nBody", "a.md:2: invalid agent name 'bad name!'")]
    [InlineData("---\nname: a\ndescription: d\n---\n\n", "a.md:5: the system prompt")]
    [InlineData("---\nname: a\nthis line has no colon\ndescription: d\n---\nBody", "a.md:2: invalid agent name 'a this line has no colon'")]
    public void Parse_BadFile_SaysWhereAndWhy(string text, string expected)
    {
        var (agent, error) = AgentDefinitionLoader.Parse(text, "/x/a.md");

        Assert.Null(agent);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ReportsBadFilesAndLoadsTheRest_ProjectOverridingUserAndForgeOverridingClaude()
    {
        Write(Project, ".forge", "reviewer.md", "---\nname: reviewer\ndescription: project forge\n---\nP1");
        Write(Project, ".claude", "reviewer.md", "---\nname: reviewer\ndescription: project claude\n---\nP2");
        Write(Project, ".claude", "tester.md", "---\nname: tester\ndescription: project tester\n---\nT");
        Write(Home, ".forge", "tester.md", "---\nname: tester\ndescription: user tester\n---\nU");
        Write(Home, ".claude", "writer.md", "---\nname: writer\ndescription: user writer\n---\nW");
        var bad = Write(Project, ".forge", "broken.md", "no frontmatter here");

        var catalog = AgentDefinitionLoader.Load(Project, Home);

        Assert.Equal(["general-purpose", "Explore", "Plan", "reviewer", "tester", "writer"], catalog.Agents.Select(a => a.Name));
        Assert.Equal("project forge", catalog.Find("reviewer")!.Description);
        Assert.Equal("project tester", catalog.Find("tester")!.Description);
        var warning = Assert.Single(catalog.Warnings);
        Assert.StartsWith(bad + ":1:", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AUserDefinedTypeMayReplaceABuiltInOne()
    {
        Write(Project, ".claude", "explore.md", "---\nname: Explore\ndescription: my explorer\ntools: Read\n---\nMine");

        var catalog = AgentDefinitionLoader.Load(Project, null);

        Assert.Equal("my explorer", catalog.Find("Explore")!.Description);
        Assert.Single(catalog.Agents, a => a.Name == "Explore");
        Assert.Equal("my explorer", catalog.Find("explore")!.Description);   // case-insensitive fallback
    }

    [Fact]
    public void Load_WithNoAgentDirectories_GivesTheBuiltInTypes()
    {
        var catalog = AgentDefinitionLoader.Load(Project, Home);

        Assert.Equal(AgentDefinition.BuiltIn, catalog.Agents);
        Assert.Empty(catalog.Warnings);
    }

    [Fact]
    public void Load_WithPluginAgents_OffersThemByFullAndUnambiguousShortName()
    {
        AgentDefinition[] plugin =
        [
            new("pr-review-toolkit:silent-failure-hunter", "Hunts silent failures", null, null, "You hunt.", "/p/a.md"),
            new("a:reviewer", "A", null, null, "A", "/a.md"),
            new("b:reviewer", "B", null, null, "B", "/b.md"),
        ];

        var catalog = AgentDefinitionLoader.Load(Project, Home, plugin);

        Assert.Equal("pr-review-toolkit:silent-failure-hunter", catalog.Find("silent-failure-hunter")?.Name);
        Assert.Equal("pr-review-toolkit:silent-failure-hunter", catalog.Find("pr-review-toolkit:silent-failure-hunter")?.Name);
        Assert.Null(catalog.Find("reviewer"));
        Assert.Equal("a:reviewer", catalog.Find("a:reviewer")?.Name);
    }
}
