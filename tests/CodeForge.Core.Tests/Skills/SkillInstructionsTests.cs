using CodeForge.Core.Skills;

namespace CodeForge.Core.Tests.Skills;

/// <summary>What the Skill tool (and <c>/name</c>) hands the model when a skill is run.</summary>
public sealed class SkillInstructionsTests
{
    [Fact]
    public void Render_OfASkillFile_NamesItsDirectory_SubstitutesAndListsItsSupportingFiles()
    {
        var skill = new Skill(new SkillDefinition(new SkillMetadata("p:deploy", "Deploys."), "\n  Run ${CLAUDE_SKILL_DIR}/go.sh $0 from ${CLAUDE_PLUGIN_ROOT}.  \n\n")
        {
            File = new SkillFileInfo { Directory = "/plug/skills/deploy", PluginRoot = "/plug", SupportingFiles = ["go.sh", "refs/api.md"] },
        });

        var text = SkillInstructions.Render(skill, "staging", new SubstitutionContext(SkillDirectory: "/ignored", PluginRoot: "/ignored"));

        Assert.Equal(
            "Skill: p:deploy\nBase directory for this skill: /plug/skills/deploy\n\nRun /plug/skills/deploy/go.sh staging from /plug.\n" +
            "\nSupporting files in the skill directory (read them only when needed):\n- go.sh\n- refs/api.md\n",
            text);
    }

    [Fact]
    public void Render_OfASkillBuiltInCode_IsItsNameAndPromptWithTheArgumentsAppended()
    {
        var skill = new Skill(new SkillDefinition(new SkillMetadata("review", "Reviews."), "Review the change."));

        Assert.Equal("Skill: review\n\nReview the change.\n\nARGUMENTS: src/a.cs\n", SkillInstructions.Render(skill, "src/a.cs"));
    }

    [Fact]
    public void Render_WithoutSupportingFiles_ListsNone()
    {
        var skill = new Skill(new SkillDefinition(new SkillMetadata("s", "d"), "Body.") { File = new SkillFileInfo { Directory = "/s" } });

        Assert.Equal("Skill: s\nBase directory for this skill: /s\n\nBody.\n", SkillInstructions.Render(skill, null));
    }
}
