using CodeForge.Core.Skills;

namespace CodeForge.Core.Tests.Skills;

public sealed class SkillDiscoveryTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private string Home => _tree["home"];

    private string Project => _tree["project"];

    [Fact]
    public void Discover_FindsSkillsInEveryFolderOfHomeAndProject()
    {
        _tree.Write("home/.agents/skills/a/SKILL.md", TempTree.Skill("a", "from home agents"));
        _tree.Write("home/.claude/skills/b/SKILL.md", TempTree.Skill("b", "from home claude"));
        _tree.Write("project/.forge/skills/c/SKILL.md", TempTree.Skill("c", "from project forge"));
        _tree.Write("project/.agents/skills/d/SKILL.md", TempTree.Skill("d", "from project agents"));

        var result = SkillDiscovery.Discover(Home, Project);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(["a", "b", "c", "d"], result.Skills.Select(s => s.Metadata.Name));
        Assert.Equal(SkillScope.User, result.Skills[0].File!.Scope);
        Assert.Equal(SkillScope.Project, result.Skills[2].File!.Scope);
    }

    [Fact]
    public void Discover_AProjectSkill_OverridesTheUserSkillOfTheSameName()
    {
        _tree.Write("home/.forge/skills/x/SKILL.md", TempTree.Skill("x", "user"));
        _tree.Write("project/.agents/skills/x/SKILL.md", TempTree.Skill("x", "project"));

        var skill = Assert.Single(SkillDiscovery.Discover(Home, Project).Skills);

        Assert.Equal("project", skill.Metadata.Description);
    }

    [Fact]
    public void Discover_WithinALevel_ForgeWinsOverClaudeOverAgents()
    {
        _tree.Write("project/.agents/skills/x/SKILL.md", TempTree.Skill("x", "agents"));
        _tree.Write("project/.forge/skills/x/SKILL.md", TempTree.Skill("x", "forge"));
        _tree.Write("project/.claude/skills/x/SKILL.md", TempTree.Skill("x", "claude"));

        Assert.Equal("forge", Assert.Single(SkillDiscovery.Discover(Home, Project).Skills).Metadata.Description);
    }

    [Fact]
    public void Discover_ASubdirectoryWorkingDirectory_OverridesTheRepositoryRoot()
    {
        _tree.Write("project/.claude/skills/x/SKILL.md", TempTree.Skill("x", "root"));
        _tree.Write("project/sub/.claude/skills/x/SKILL.md", TempTree.Skill("x", "sub"));

        var result = SkillDiscovery.Discover(Home, Project, _tree["project/sub"]);

        Assert.Equal("sub", Assert.Single(result.Skills).Metadata.Description);
    }

    [Fact]
    public void Discover_ABrokenSkill_IsReportedAndTheOthersLoad()
    {
        _tree.Write("project/.claude/skills/good/SKILL.md", TempTree.Skill("good", "fine"));
        _tree.Write("project/.claude/skills/bad/SKILL.md", "# no frontmatter\n");
        _tree.Write("project/.claude/skills/ugly/SKILL.md", "---\nname: ugly\n");
        _tree.Write("project/.claude/skills/nodesc/SKILL.md", "---\nname: nodesc\n---\n");
        _tree.Write("project/.claude/skills/notes/README.md", "no SKILL.md here");

        var result = SkillDiscovery.Discover(Home, Project);

        Assert.Equal(["good", "nodesc"], result.Skills.Select(s => s.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2, result.Diagnostics.Count(d => d.IsError));
        Assert.Single(result.Diagnostics, d => !d.IsError && d.File.EndsWith("SKILL.md", StringComparison.Ordinal) && d.Message.Contains("slash command only", StringComparison.Ordinal));
    }

    [Fact]
    public void Discover_WhenHomeIsTheProject_SearchesEachDirectoryOnce()
    {
        _tree.Write("home/.claude/skills/x/SKILL.md", TempTree.Skill("x", "d"));

        var dirs = SkillDiscovery.SearchDirectories(Home, Home);

        Assert.Equal(3, dirs.Length);
        Assert.Single(SkillDiscovery.Discover(Home, Home).Skills);
    }

    [Fact]
    public void Register_PutsAllSkillsInTheRegistryAndReportsTakenNames()
    {
        var registry = new SkillRegistry();
        registry.Register(new SkillDefinition(new SkillMetadata("taken", "d"), "p"));
        _tree.Write("project/.claude/skills/taken/SKILL.md", TempTree.Skill("taken", "d"));
        _tree.Write("project/.claude/skills/fresh/SKILL.md", TempTree.Skill("fresh", "d"));

        var diagnostics = SkillDiscovery.Register(registry, SkillDiscovery.Discover(Home, Project).Skills);

        Assert.True(registry.Exists("fresh"));
        Assert.Contains("taken", Assert.Single(diagnostics).Message, StringComparison.Ordinal);
    }
}
