using CodeForge.Core.Skills;

namespace CodeForge.Core.Tests.Skills;

public sealed class SkillArgumentsTests
{
    [Fact]
    public void Split_GroupsQuotedArguments() =>
        Assert.Equal(["fix", "the bug", "now"], SkillArguments.Split("fix \"the bug\"  'now'"));

    [Fact]
    public void Substitute_ReplacesArgumentsAndIndexedArguments()
    {
        var text = SkillArguments.Substitute("all=$ARGUMENTS first=$ARGUMENTS[0] second=$1 none=$ARGUMENTS[5]", "a \"b c\"");

        Assert.Equal("all=a \"b c\" first=a second=b c none=", text);
    }

    [Fact]
    public void Substitute_ForCommands_CountsPositionalArgumentsFromOne()
    {
        var text = SkillArguments.Substitute("PR #$1 priority $2", "456 high", positionalFromOne: true);

        Assert.Equal("PR #456 priority high", text);
    }

    [Fact]
    public void Substitute_ReplacesThePlaceholdersWithTheirValues()
    {
        var context = new SubstitutionContext("sess-1", "/proj", "/skills/x", "/plugins/p");

        var text = SkillArguments.Substitute("${CLAUDE_SKILL_DIR}/run.sh ${CLAUDE_SESSION_ID} ${CLAUDE_PROJECT_DIR} ${CLAUDE_PLUGIN_ROOT} ${OTHER}", null, context);

        Assert.Equal("/skills/x/run.sh sess-1 /proj /plugins/p ${OTHER}", text);
    }

    [Fact]
    public void Substitute_APlaceholderWithoutAValue_StaysAsWritten() =>
        Assert.Equal("${CLAUDE_SKILL_DIR}/x", SkillArguments.Substitute("${CLAUDE_SKILL_DIR}/x", null));

    [Fact]
    public void Substitute_ArgumentsButNoPlaceholder_AppendsThem() =>
        Assert.Equal("Review the code.\n\nARGUMENTS: src/a.cs", SkillArguments.Substitute("Review the code.\n", "src/a.cs"));

    [Fact]
    public void Substitute_IsOnePass_AValueIsNeverExpandedAgain() =>
        Assert.Equal("x=$ARGUMENTS ${CLAUDE_SKILL_DIR}", SkillArguments.Substitute("x=$ARGUMENTS", "$ARGUMENTS ${CLAUDE_SKILL_DIR}", new SubstitutionContext(SkillDirectory: "/d")));

    [Fact]
    public void Substitute_NoArguments_LeavesTextWithoutArgumentsLine() =>
        Assert.Equal("do it: ", SkillArguments.Substitute("do it: $ARGUMENTS", "  "));
}
