using CodeForge.Core.Commands;
using CodeForge.Core.Skills;
using CodeForge.Core.Tests.Skills;

namespace CodeForge.Core.Tests.Commands;

public sealed class CommandLoaderTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Discover_ReadsFrontmatterAndBody()
    {
        _tree.Write("project/.claude/commands/review.md", "---\ndescription: Review a PR\nargument-hint: [pr]\nallowed-tools: Bash(gh pr view:*) Read\nmodel: haiku\n---\nReview PR #$1.\n");

        var result = CommandLoader.Discover(_tree["home"], _tree["project"]);

        Assert.Empty(result.Diagnostics);
        var c = Assert.Single(result.Commands);
        Assert.Equal("review", c.Name);
        Assert.Equal("Review a PR", c.Description);
        Assert.Equal("[pr]", c.ArgumentHint);
        Assert.Equal(["Bash(gh pr view:*)", "Read"], c.AllowedTools);
        Assert.Equal("haiku", c.Model);
        Assert.Equal(CommandScope.Project, c.Scope);
        Assert.Equal("Review PR #42.\n", c.Expand("42"));
    }

    [Fact]
    public void Discover_WithoutFrontmatter_UsesTheFirstLineAsDescription()
    {
        _tree.Write("home/.forge/commands/hello.md", "# Say hello\nSay hello to $ARGUMENTS.");

        var c = Assert.Single(CommandLoader.Discover(_tree["home"], _tree["project"]).Commands);

        Assert.Equal("Say hello", c.Description);
        Assert.False(c.HasDeclaredDescription);
        Assert.Equal(CommandScope.User, c.Scope);
    }

    [Fact]
    public void Discover_ReadsTheInvocationFields_AndWhetherTheDescriptionWasGiven()
    {
        _tree.Write("project/.claude/commands/ship.md", "---\ndescription: Ship it\ndisable-model-invocation: true\n---\nShip.\n");
        _tree.Write("project/.claude/commands/hidden.md", "---\nuser-invocable: false\nwhen_to_use: when the build is red\n---\nFix.\n");

        var commands = CommandLoader.Discover(_tree["home"], _tree["project"]).Commands.ToDictionary(c => c.Name);

        Assert.True(commands["ship"].DisableModelInvocation);
        Assert.True(commands["ship"].UserInvocable);
        Assert.True(commands["ship"].HasDeclaredDescription);
        Assert.Null(commands["ship"].WhenToUse);
        Assert.False(commands["hidden"].DisableModelInvocation);
        Assert.False(commands["hidden"].UserInvocable);
        Assert.False(commands["hidden"].HasDeclaredDescription);
        Assert.Equal("when the build is red", commands["hidden"].WhenToUse);
    }

    [Fact]
    public void Discover_SubfoldersNamespaceTheName()
    {
        _tree.Write("project/.claude/commands/frontend/test.md", "run tests");

        Assert.Equal("frontend:test", Assert.Single(CommandLoader.Discover(_tree["home"], _tree["project"]).Commands).Name);
    }

    [Fact]
    public void Discover_ProjectOverridesUserAndForgeOverridesClaude()
    {
        _tree.Write("home/.claude/commands/x.md", "user");
        _tree.Write("project/.claude/commands/x.md", "project claude");
        _tree.Write("project/.forge/commands/x.md", "project forge");

        Assert.Equal("project forge", Assert.Single(CommandLoader.Discover(_tree["home"], _tree["project"]).Commands).Body);
    }

    [Fact]
    public void Discover_MalformedYaml_SkipsThatFileWithItsLineAndLoadsTheRest()
    {
        _tree.Write("project/.claude/commands/bad.md", "---\nother: [x\n---\nbody");
        _tree.Write("project/.claude/commands/good.md", "fine");

        var result = CommandLoader.Discover(_tree["home"], _tree["project"]);

        Assert.Equal("good", Assert.Single(result.Commands).Name);
        var d = Assert.Single(result.Diagnostics);
        Assert.EndsWith("bad.md", d.File, StringComparison.Ordinal);
        Assert.NotNull(d.Line);
        Assert.Contains("command skipped", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_ANameWithSpaces_IsSkipped()
    {
        var file = _tree.Write("c/my cmd.md", "x");
        var diagnostics = new List<LoadDiagnostic>();

        Assert.Null(CommandLoader.LoadFile(file, "my cmd", CommandScope.Project, diagnostics));
        Assert.Single(diagnostics);
    }

    [Fact]
    public void LoadDirectory_ForAPlugin_NamespacesAndKeepsTheRoot()
    {
        _tree.Write("plug/commands/deploy.md", "Run ${CLAUDE_PLUGIN_ROOT}/deploy.sh $ARGUMENTS");

        var c = Assert.Single(CommandLoader.LoadDirectory(_tree["plug/commands"], CommandScope.Plugin, new List<LoadDiagnostic>(), "plug", _tree["plug"]));

        Assert.Equal("plug:deploy", c.Name);
        Assert.Equal($"Run {_tree["plug"]}/deploy.sh prod\n", c.Expand("prod"));
    }
}
