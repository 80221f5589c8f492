using CodeForge.Cli.Headless;
using CodeForge.Core.Commands;
using CodeForge.Core.Skills;

namespace CodeForge.Cli.Tests.Headless;

/// <summary>
/// The <c>slash_commands</c> and <c>skills</c> lists against what Claude Code 2.1.337 listed in its <c>system/init</c>
/// event for a plugin of the same commands and skills (<c>claude -p --plugin-dir demo-plug --output-format stream-json</c>;
/// recorded in docs/plugins.md).
/// </summary>
public sealed class InitNamesTests
{
    private static CommandDefinition Command(string name, bool description = true, bool userOnly = false, bool userInvocable = true, string? whenToUse = null) => new()
    {
        Name = $"demo-plug:{name}",
        Description = description ? $"{name} command" : "first line of the body",
        HasDeclaredDescription = description,
        DisableModelInvocation = userOnly,
        UserInvocable = userInvocable,
        WhenToUse = whenToUse,
        Body = "body",
        SourcePath = $"/p/commands/{name}.md",
        Scope = CommandScope.Plugin,
        PluginName = "demo-plug",
    };

    private static Skill SkillOf(string name, bool userOnly = false, bool userInvocable = true) =>
        new(new SkillDefinition(new SkillMetadata($"demo-plug:{name}", $"{name} skill"), "body")
        {
            File = new SkillFileInfo { Directory = $"/p/skills/{name}", DisableModelInvocation = userOnly, UserInvocable = userInvocable, Scope = SkillScope.Plugin },
        });

    private static readonly CommandDefinition[] Commands =
    [
        Command("plain"),
        Command("dmi", userOnly: true),
        Command("uinf", userInvocable: false),
        Command("dmi-nodesc", description: false, userOnly: true),
        Command("dmi-wtu", description: false, userOnly: true, whenToUse: "when asked"),
        Command("dmi-uinf", userOnly: true, userInvocable: false),
        Command("nofm", description: false),
    ];

    private static readonly Skill[] Skills = [SkillOf("sk"), SkillOf("skdmi", userOnly: true), SkillOf("skhidden", userInvocable: false)];

    [Fact]
    public void SlashCommands_AreEveryCommandAndSkillTheUserMayType()
    {
        var names = InitNames.SlashCommands(Commands, Skills);

        Assert.Equal(
            ["demo-plug:dmi", "demo-plug:dmi-nodesc", "demo-plug:dmi-wtu", "demo-plug:nofm", "demo-plug:plain", "demo-plug:sk", "demo-plug:skdmi"],
            names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Skills_AreTheUserInvocableSkills_AndTheUserOnlyCommandsWithADescriptionOrWhenToUse()
    {
        var names = InitNames.Skills(Skills, Commands);

        Assert.Equal(["demo-plug:dmi", "demo-plug:dmi-wtu", "demo-plug:sk", "demo-plug:skdmi"], names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ASkillFileWithoutDescription_IsASlashCommandOnly_UnlessItHasAWhenToUse()
    {
        var diagnostics = new List<LoadDiagnostic>();
        Skill Load(string name, string text) =>
            new(SkillFileLoader.Parse(text, $"/p/skills/{name}/SKILL.md", SkillScope.Plugin, diagnostics, "nodesc-plug", "/p")!);
        Skill[] skills = [Load("nodesc", "---\nname: nodesc\n---\nbody\n"), Load("wtu", "---\nname: wtu\nwhen_to_use: when asked\n---\nbody\n")];

        Assert.Equal(["nodesc-plug:nodesc", "nodesc-plug:wtu"], InitNames.SlashCommands([], skills).Order(StringComparer.Ordinal));
        Assert.Equal(["nodesc-plug:wtu"], InitNames.Skills(skills, []));
        Assert.False(Assert.Single(diagnostics).IsError);
    }

    [Fact]
    public void ANameACommandAndASkillShare_IsListedOnce()
    {
        var command = Command("sk", userOnly: true);

        Assert.Equal(["demo-plug:sk"], InitNames.SlashCommands([command], [SkillOf("sk")]));
        Assert.Equal(["demo-plug:sk"], InitNames.Skills([SkillOf("sk")], [command]));
    }
}
