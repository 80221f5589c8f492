using System.Text.Json;
using CodeForge.Core.Commands;
using CodeForge.Core.Skills;
using CodeForge.Core.Tools;

namespace CodeForge.Core.Tests.Skills;

public sealed class SkillToolTests
{
    private readonly SkillRegistry _registry = new();
    private readonly ToolContext _context = new(Path.GetTempPath());

    private void Add(string name, string body, bool modelInvocable = true, params string[] supporting) =>
        _registry.Register(new SkillDefinition(new SkillMetadata(name, "d"), body)
        {
            File = new SkillFileInfo { Directory = $"/skills/{name}", DisableModelInvocation = !modelInvocable, SupportingFiles = [.. supporting] },
        });

    private Task<ToolResult> Call(string json) =>
        new SkillTool(_registry, () => new SubstitutionContext("s-1", "/proj")).ExecuteAsync(JsonDocument.Parse(json).RootElement, _context, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Execute_ActivatesTheSkillAndReturnsItsSubstitutedInstructions()
    {
        Add("deploy", "Run ${CLAUDE_SKILL_DIR}/deploy.sh $ARGUMENTS in ${CLAUDE_PROJECT_DIR} for ${CLAUDE_SESSION_ID}", supporting: "deploy.sh");

        var result = await Call("""{"skill":"deploy","args":"staging"}""");

        Assert.True(result.Success, result.Error);
        Assert.Contains("Run /skills/deploy/deploy.sh staging in /proj for s-1", result.Output, StringComparison.Ordinal);
        Assert.Contains("Base directory for this skill: /skills/deploy", result.Output, StringComparison.Ordinal);
        Assert.Contains("- deploy.sh", result.Output, StringComparison.Ordinal);
        Assert.Equal("deploy", _registry.ActiveSkill?.Name);
        Assert.Equal("deploy", result.Metadata["skill"]);
    }

    [Fact]
    public async Task Execute_WithALeadingSlash_FindsTheSkill()
    {
        Add("x", "body");

        Assert.True((await Call("""{"skill":"/x"}""")).Success);
    }

    [Fact]
    public async Task Execute_UnknownSkill_FailsListingTheAvailableOnes()
    {
        Add("alpha", "a");
        Add("secret", "s", modelInvocable: false);

        var result = await Call("""{"skill":"nope"}""");

        Assert.False(result.Success);
        Assert.Contains("alpha", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", result.Error, StringComparison.Ordinal);
        Assert.Null(_registry.ActiveSkill);
    }

    [Fact]
    public async Task Execute_ASkillWithoutDescription_IsRefusedAsASlashCommandOnly()
    {
        _registry.Register(new SkillDefinition(new SkillMetadata("demo:nodesc", ""), "n") { File = new SkillFileInfo { Directory = "/skills/nodesc" } });
        Add("alpha", "a");

        var byName = await Call("""{"skill":"nodesc"}""");
        var unknown = await Call("""{"skill":"nope"}""");

        Assert.False(byName.Success);
        Assert.Equal(SkillTool.SlashOnlyMessage("demo:nodesc"), byName.Error);
        Assert.StartsWith("Skill demo:nodesc cannot be used with Skill tool: it has no description", byName.Error, StringComparison.Ordinal);
        Assert.Null(_registry.ActiveSkill);
        Assert.DoesNotContain("nodesc", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_AUserOnlySkill_IsRefused()
    {
        Add("manual", "m", modelInvocable: false);

        var result = await Call("""{"skill":"manual"}""");

        Assert.False(result.Success);
        Assert.Contains("disable-model-invocation", result.Error, StringComparison.Ordinal);
        Assert.Null(_registry.ActiveSkill);
    }

    [Fact]
    public async Task Execute_AUserOnlySkill_IsRefusedWithClaudeCodesWords()
    {
        Add("demo:manual", "m", modelInvocable: false);

        var result = await Call("""{"skill":"manual"}""");

        Assert.Equal(SkillTool.UserOnlyMessage("demo:manual"), result.Error);
        Assert.StartsWith("Skill demo:manual cannot be used with Skill tool due to disable-model-invocation. Ask the user to run /demo:manual themselves", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("demo-plug:ship")]
    [InlineData("ship")]
    public async Task Execute_AUserOnlyCommand_IsRefusedAsUserOnly_ByItsFullOrShortName(string asked)
    {
        var commands = new CommandCatalog();
        commands.SetSource("plugin:demo-plug", [
            new CommandDefinition { Name = "demo-plug:ship", Description = "Ships", Body = "Ship $ARGUMENTS", SourcePath = "/p/commands/ship.md", DisableModelInvocation = true },
            new CommandDefinition { Name = "demo-plug:plain", Description = "Plain", Body = "Plain", SourcePath = "/p/commands/plain.md" },
        ]);
        var tool = new SkillTool(_registry, commands: commands);

        var refused = await tool.ExecuteAsync(JsonDocument.Parse($$"""{"skill":"{{asked}}"}""").RootElement, _context, TestContext.Current.CancellationToken);
        var plain = await tool.ExecuteAsync(JsonDocument.Parse("""{"skill":"demo-plug:plain"}""").RootElement, _context, TestContext.Current.CancellationToken);

        Assert.False(refused.Success);
        Assert.Equal(SkillTool.UserOnlyMessage("demo-plug:ship"), refused.Error);
        Assert.Empty(refused.Output);
        Assert.False(plain.Success);
        Assert.StartsWith("Unknown skill 'demo-plug:plain'", plain.Error, StringComparison.Ordinal);
        Assert.Null(_registry.ActiveSkill);
    }

    [Theory]
    [InlineData("demo-plug:review")]
    [InlineData("review")]
    public async Task Execute_ACommandWithADeclaredDescription_ReturnsItsPromptWithTheArguments(string asked)
    {
        var commands = new CommandCatalog();
        commands.SetSource("plugin:demo-plug", [
            new CommandDefinition { Name = "demo-plug:review", Description = "Reviews a file", HasDeclaredDescription = true, Body = "Review $ARGUMENTS carefully", SourcePath = "/p/commands/review.md" },
            new CommandDefinition { Name = "demo-plug:when", Description = "first line", WhenToUse = "when asked", Body = "When body", SourcePath = "/p/commands/when.md" },
        ]);
        var tool = new SkillTool(_registry, commands: commands);

        var review = await tool.ExecuteAsync(JsonDocument.Parse($$"""{"skill":"{{asked}}","args":"src/a.cs"}""").RootElement, _context, TestContext.Current.CancellationToken);
        var when = await tool.ExecuteAsync(JsonDocument.Parse("""{"skill":"demo-plug:when"}""").RootElement, _context, TestContext.Current.CancellationToken);

        Assert.True(review.Success, review.Error);
        Assert.Equal("Review src/a.cs carefully\n", review.Output);
        Assert.Equal("demo-plug:review", review.Metadata["command"]);
        Assert.True(when.Success, when.Error);
        Assert.Equal("When body\n", when.Output);
        Assert.Null(_registry.ActiveSkill);
    }

    [Fact]
    public async Task Execute_WithoutASkillName_Fails() => Assert.False((await Call("""{"skill":"  "}""")).Success);

    [Fact]
    public void Schema_HasTheClaudeCodeParameters()
    {
        var tool = new SkillTool(_registry);

        Assert.Equal("Skill", tool.Name);
        Assert.Empty(tool.Schema.Validate(JsonDocument.Parse("""{"skill":"a","args":"b"}""").RootElement));
        Assert.NotEmpty(tool.Schema.Validate(JsonDocument.Parse("""{"args":"b"}""").RootElement));
    }

    [Fact]
    public async Task Execute_AShortName_RunsThePluginSkillItNames()
    {
        Add("document-skills:pdf", "PDF work on $ARGUMENTS");

        var result = await Call("""{"skill":"pdf","args":"a.pdf"}""");

        Assert.True(result.Success, result.Error);
        Assert.Contains("PDF work on a.pdf", result.Output, StringComparison.Ordinal);
        Assert.Equal("document-skills:pdf", _registry.ActiveSkill?.Name);
    }

    [Fact]
    public async Task Execute_AShortNameTwoPluginsShare_FailsListingTheCandidates()
    {
        Add("a:lint", "A");
        Add("b:lint", "B");

        var result = await Call("""{"skill":"lint"}""");

        Assert.False(result.Success);
        Assert.Contains("'lint' is ambiguous", result.Error, StringComparison.Ordinal);
        Assert.Contains("a:lint, b:lint", result.Error, StringComparison.Ordinal);
        Assert.Null(_registry.ActiveSkill);
    }

    [Fact]
    public async Task Execute_WhenTheSkillFileWasDeletedAfterLoading_FailsNamingTheFileAndActivatesNothing()
    {
        using var tree = new TempTree();
        var file = tree.Write("gone/SKILL.md", TempTree.Skill("gone", "d"));
        _registry.Register(SkillFileLoader.Load(file, SkillScope.Project, new List<LoadDiagnostic>())!);
        File.Delete(file);

        var result = await Call("""{"skill":"gone"}""");

        Assert.False(result.Success);
        Assert.Contains("Could not activate the skill 'gone'", result.Error, StringComparison.Ordinal);
        Assert.Contains(file, result.Error, StringComparison.Ordinal);
        Assert.Null(_registry.ActiveSkill);
    }

    [Fact]
    public async Task Execute_OfALoadedSkill_ShowsTheBodyAsItIsOnDiskAtActivation()
    {
        using var tree = new TempTree();
        var file = tree.Write("edit/SKILL.md", TempTree.Skill("edit", "d", body: "Before."));
        _registry.Register(SkillFileLoader.Load(file, SkillScope.Project, new List<LoadDiagnostic>())!);
        await File.WriteAllTextAsync(file, TempTree.Skill("edit", "d", body: "After the edit."), TestContext.Current.CancellationToken);

        var result = await Call("""{"skill":"edit"}""");

        Assert.True(result.Success, result.Error);
        Assert.Contains("After the edit.", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Before.", result.Output, StringComparison.Ordinal);
    }
}
