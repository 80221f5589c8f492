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

    [Fact]
    public void SearchDirectories_AreAgentsClaudeAndForgeOfHomeThenOfEachProjectLevel()
    {
        var dirs = SkillDiscovery.SearchDirectories(Home, Project, _tree["project/src/app"]);

        Assert.Equal(
        [
            (_tree["home/.agents/skills"], SkillScope.User), (_tree["home/.claude/skills"], SkillScope.User), (_tree["home/.forge/skills"], SkillScope.User),
            (_tree["project/.agents/skills"], SkillScope.Project), (_tree["project/.claude/skills"], SkillScope.Project), (_tree["project/.forge/skills"], SkillScope.Project),
            (_tree["project/src/.agents/skills"], SkillScope.Project), (_tree["project/src/.claude/skills"], SkillScope.Project), (_tree["project/src/.forge/skills"], SkillScope.Project),
            (_tree["project/src/app/.agents/skills"], SkillScope.Project), (_tree["project/src/app/.claude/skills"], SkillScope.Project), (_tree["project/src/app/.forge/skills"], SkillScope.Project),
        ], dirs);
    }

    [Theory]
    [InlineData("project")]
    [InlineData("elsewhere")]
    [InlineData("project-other")]
    public void SearchDirectories_AWorkingDirectoryThatIsNotBelowTheProject_AddsNoLevel(string cwd)
    {
        var dirs = SkillDiscovery.SearchDirectories(Home, Project, _tree[cwd]);

        Assert.Equal(6, dirs.Length);
        Assert.Equal(_tree["project/.forge/skills"], dirs[^1].Directory);
    }

    [Fact]
    public void LoadDirectory_TwoFoldersGivingOneName_KeepsTheFirstAndReportsTheSecond()
    {
        _tree.Write("s/a/SKILL.md", TempTree.Skill("same", "first"));
        var second = _tree.Write("s/b/SKILL.md", TempTree.Skill("same", "second"));
        var diagnostics = new List<LoadDiagnostic>();

        var skills = SkillDiscovery.LoadDirectory(_tree["s"], SkillScope.User, diagnostics);

        Assert.Equal("first", Assert.Single(skills).Metadata.Description);
        var d = diagnostics.Single(x => x.IsError);
        Assert.Equal(second, d.File);
        Assert.Equal($"another skill in {_tree["s"]} is already named 'same'; skill skipped", d.Message);
    }

    [Fact]
    public void LoadDirectory_LeavesOutHiddenFoldersAndFoldersWithoutASkillFile()
    {
        _tree.Write("s/.hidden/SKILL.md", TempTree.Skill("hidden", "h"));
        _tree.Write("s/empty/README.md", "no skill here");
        _tree.Write("s/ok/SKILL.md", TempTree.Skill("ok", "o"));
        var diagnostics = new List<LoadDiagnostic>();

        Assert.Equal(["ok"], SkillDiscovery.LoadDirectory(_tree["s"], SkillScope.User, diagnostics).Select(s => s.Metadata.Name));
        Assert.Empty(diagnostics);
        Assert.Empty(SkillDiscovery.LoadDirectory(_tree["none"], SkillScope.User, diagnostics));
    }

    [Fact]
    public void Register_ANameGivenTwice_IsReportedOnceAndTheFirstRegistered()
    {
        var registry = new SkillRegistry();
        var first = new SkillDefinition(new SkillMetadata("dup", "first"), "p", sourcePath: "/a/SKILL.md");
        var second = new SkillDefinition(new SkillMetadata("dup", "second"), "p");

        var diagnostics = SkillDiscovery.Register(registry, [first, second]);

        var d = Assert.Single(diagnostics);
        Assert.Equal("dup", d.File);
        Assert.Equal("a skill named 'dup' is already registered; skill skipped", d.Message);
        Assert.Equal("first", registry.Snapshot.Get("dup")!.Description);
    }
}
