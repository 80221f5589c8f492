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

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \t ")]
    public void Split_NothingOrWhiteSpace_GivesNoArguments(string? arguments) => Assert.Empty(SkillArguments.Split(arguments));

    [Theory]
    [InlineData("a  b\tc", new[] { "a", "b", "c" })]
    [InlineData("''", new[] { "" })]
    [InlineData("say \"it's\" 'a \"b\"'", new[] { "say", "it's", "a \"b\"" })]
    [InlineData("pre\"fix\"ed", new[] { "prefixed" })]
    [InlineData("\"unclosed quote", new[] { "unclosed quote" })]
    public void Split_WorksLikeAShell(string arguments, string[] expected) => Assert.Equal(expected, SkillArguments.Split(arguments));

    [Fact]
    public void Substitute_ForSkills_CountsPositionalArgumentsFromZero() =>
        Assert.Equal("first=a second=b third=", SkillArguments.Substitute("first=$0 second=$1 third=$2", "a b"));

    [Fact]
    public void Substitute_ForCommands_DollarZeroIsNoArgument() =>
        Assert.Equal("[] [a]", SkillArguments.Substitute("[$0] [$1]", "a", positionalFromOne: true));

    [Fact]
    public void Substitute_ArgumentsIsTheTrimmedWholeText() =>
        Assert.Equal("<a  \"b c\">", SkillArguments.Substitute("<$ARGUMENTS>", "  a  \"b c\"  "));

    [Fact]
    public void Substitute_ArgumentsFollowedByAWordCharacter_IsNotAPlaceholder() =>
        Assert.Equal("$ARGUMENTSX\n\nARGUMENTS: a", SkillArguments.Substitute("$ARGUMENTSX", "a"));

    [Fact]
    public void Substitute_AnIndexedPlaceholderCountsAsUsingTheArguments() =>
        Assert.Equal("only a", SkillArguments.Substitute("only $ARGUMENTS[0]", "a b"));

    [Fact]
    public void Substitute_AnIndexTooLargeForANumber_IsEmpty() =>
        Assert.Equal("[] []", SkillArguments.Substitute("[$ARGUMENTS[99999999999]] [$99999999999]", "a"));

    [Fact]
    public void Substitute_APlaceholderValueIsNotCountedAsUsingTheArguments() =>
        Assert.Equal("/d\n\nARGUMENTS: x", SkillArguments.Substitute("${CLAUDE_SKILL_DIR}", "x", new SubstitutionContext(SkillDirectory: "/d")));

    [Fact]
    public void Substitute_AppendedArguments_FollowTheTextWithoutItsTrailingWhiteSpace() =>
        Assert.Equal("Review.\n\nARGUMENTS: a b", SkillArguments.Substitute("Review.  \n\n\t", " a b "));

    [Fact]
    public void Substitute_NoArgumentsAndNoPlaceholders_LeavesTheTextAsItIs() =>
        Assert.Equal("Text.\n\n", SkillArguments.Substitute("Text.\n\n", null));

    [Fact]
    public void Substitute_PluginData_IsCreatedWhenTheTextNamesIt()
    {
        var root = Directory.CreateTempSubdirectory("forge-args-").FullName;
        try
        {
            var data = Path.Combine(root, "data", "p-inline");

            var text = SkillArguments.Substitute("out=${CLAUDE_PLUGIN_DATA}/x", null, new SubstitutionContext { PluginData = data });

            Assert.Equal($"out={data}/x", text);
            Assert.True(Directory.Exists(data));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Substitute_PluginDataWithoutAValue_StaysAsWritten_AndCreatesNothing() =>
        Assert.Equal("${CLAUDE_PLUGIN_DATA} ${CLAUDE_SESSION_ID} ${CLAUDE_PROJECT_DIR} ${CLAUDE_PLUGIN_ROOT}",
            SkillArguments.Substitute("${CLAUDE_PLUGIN_DATA} ${CLAUDE_SESSION_ID} ${CLAUDE_PROJECT_DIR} ${CLAUDE_PLUGIN_ROOT}", null, new SubstitutionContext()));
}
