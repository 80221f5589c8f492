using System.Collections.Immutable;
using CodeForge.Core.Commands;
using CodeForge.Core.Skills;

namespace CodeForge.Core.Tests.Commands;

public sealed class SlashCommandsTests
{
    private readonly SkillRegistry _skills = new();
    private readonly CommandCatalog _commands = new();

    private void AddSkill(string name, string body, bool userInvocable = true) =>
        _skills.Register(new SkillDefinition(new SkillMetadata(name, "d"), body) { File = new SkillFileInfo { Directory = "/s/" + name, UserInvocable = userInvocable } });

    private void AddCommand(string name, string body, params string[] tools) =>
        _commands.SetSource("files", [.. _commands.OfSource("files"), new CommandDefinition { Name = name, Description = "d", Body = body, SourcePath = "/c.md", AllowedTools = [.. tools] }]);

    [Theory]
    [InlineData("/fix 123 now", "fix", "123 now")]
    [InlineData("  /p:review", "p:review", "")]
    public void TryParse_SplitsNameAndArguments(string prompt, string name, string args)
    {
        Assert.True(SlashCommands.TryParse(prompt, out var n, out var a));
        Assert.Equal(name, n);
        Assert.Equal(args, a);
    }

    [Theory]
    [InlineData("/usr/bin/env is odd")]
    [InlineData("fix /this")]
    [InlineData("/")]
    public void TryParse_PathsAndOrdinaryPrompts_AreNotCommands(string prompt) =>
        Assert.False(SlashCommands.TryParse(prompt, out _, out _));

    [Fact]
    public void Expand_ACommand_SubstitutesItsArgumentsAndReturnsItsAllowedTools()
    {
        AddCommand("mycmd", "Say $ARGUMENTS twice.", "Bash(echo *)");

        var result = SlashCommands.Expand("/mycmd foo", _skills, _commands);

        Assert.Equal(SlashKind.Command, result.Kind);
        Assert.Equal("Say foo twice.\n", result.Prompt);
        Assert.Equal(["Bash(echo *)"], result.AllowedTools);
    }

    [Fact]
    public void Expand_ASkill_WinsOverACommandAndIsActivated()
    {
        AddSkill("x", "skill body $ARGUMENTS");
        AddCommand("x", "command body");

        var result = SlashCommands.Expand("/x arg", _skills, _commands);

        Assert.Equal(SlashKind.Skill, result.Kind);
        Assert.Contains("skill body arg", result.Prompt, StringComparison.Ordinal);
        Assert.Equal("x", _skills.ActiveSkill?.Name);
    }

    [Fact]
    public void Expand_ANonUserInvocableSkill_IsRefusedAndThePromptKept()
    {
        AddSkill("auto", "b", userInvocable: false);

        var result = SlashCommands.Expand("/auto go", _skills, _commands);

        Assert.Equal(SlashKind.Refused, result.Kind);
        Assert.Equal("/auto go", result.Prompt);
        Assert.NotNull(result.Message);
        Assert.Null(_skills.ActiveSkill);
    }

    [Fact]
    public void Expand_AnUnknownName_KeepsThePromptWithANote()
    {
        var result = SlashCommands.Expand("/nothing here", _skills, _commands);

        Assert.Equal(SlashKind.Unknown, result.Kind);
        Assert.Equal("/nothing here", result.Prompt);
        Assert.Contains("/nothing", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expand_APlainPrompt_IsUnchanged() =>
        Assert.Equal(new SlashExpansion(SlashKind.NotSlash, "hello", null, ImmutableArray<string>.Empty).Prompt, SlashCommands.Expand("hello", _skills, _commands).Prompt);

    [Fact]
    public void Expand_AShortName_FindsThePluginCommandOrSkill()
    {
        AddCommand("agent-shapes:shape", "Create the rule $ARGUMENTS.");
        AddSkill("document-skills:pdf", "PDF: $ARGUMENTS");

        var command = SlashCommands.Expand("/shape no-rm", _skills, _commands);
        var skill = SlashCommands.Expand("/pdf a.pdf", _skills, _commands);

        Assert.Equal((SlashKind.Command, "agent-shapes:shape"), (command.Kind, command.Name));
        Assert.Contains("Create the rule no-rm.", command.Prompt, StringComparison.Ordinal);
        Assert.Equal((SlashKind.Skill, "document-skills:pdf"), (skill.Kind, skill.Name));
        Assert.Contains("PDF: a.pdf", skill.Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Expand_AnAmbiguousShortName_SendsThePromptAsWrittenNamingTheCandidates()
    {
        AddCommand("a:lint", "A");
        AddCommand("b:lint", "B");

        var result = SlashCommands.Expand("/lint", _skills, _commands);

        Assert.Equal(SlashKind.Unknown, result.Kind);
        Assert.Equal("/lint", result.Prompt);
        Assert.Contains("(a:lint, b:lint)", result.Message, StringComparison.Ordinal);
    }
}
