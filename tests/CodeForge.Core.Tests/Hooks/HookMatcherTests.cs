using CodeForge.Core.Hooks;

namespace CodeForge.Core.Tests.Hooks;

public sealed class HookMatcherTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("*")]
    public void Parse_WhenEmptyOrStar_MatchesEverything(string? text)
    {
        var m = HookMatcher.Parse(text);
        Assert.True(m.MatchesAll);
        Assert.True(m.Matches("Bash"));
        Assert.True(m.Matches("mcp__github__search"));
    }

    [Theory]
    [InlineData("Write", "Write", true)]
    [InlineData("Write", "MultiWrite", false)]
    [InlineData("Write", "write", false)]
    [InlineData("Write|Edit", "Edit", true)]
    [InlineData("Write|Edit", "MultiEdit", false)]
    [InlineData("Write, Edit", "Edit", true)]
    [InlineData("Write,Edit", "Read", false)]
    public void Matches_WhenExactOrList_ComparesWholeNames(string matcher, string tool, bool expected) =>
        Assert.Equal(expected, HookMatcher.Parse(matcher).Matches(tool));

    [Theory]
    [InlineData("mcp__github__.*", "mcp__github__search", true)]
    [InlineData("mcp__github__.*", "mcp__gitlab__search", false)]
    [InlineData("Notebook.*", "NotebookEdit", true)]
    [InlineData("^Edit$", "MultiEdit", false)]
    [InlineData("Edit$", "MultiEdit", true)] // unanchored, as in JavaScript
    public void Matches_WhenOtherCharacters_IsAnUnanchoredRegex(string matcher, string tool, bool expected)
    {
        var m = HookMatcher.Parse(matcher);
        Assert.True(m.IsRegex);
        Assert.Equal(expected, m.Matches(tool));
    }

    [Fact]
    public void TryParse_WhenTheRegexIsInvalid_FailsSayingWhy()
    {
        Assert.False(HookMatcher.TryParse("Bash(", out _, out var error));
        Assert.Contains("\"Bash(\" is not a valid regular expression", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_WhenOnlySeparators_FailsBecauseItNamesNoTool()
    {
        Assert.False(HookMatcher.TryParse("|,", out _, out var error));
        Assert.Contains("names no tool", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Matches_WhenTheEventHasNoTarget_MatchesEvenARestrictiveMatcher() =>
        Assert.True(HookMatcher.Parse("Write").Matches(null));

    [Theory]
    [InlineData("W.*e")]
    [InlineData("mcp__.*__(search|fetch)")]
    [InlineData("^(Write|Edit)$")]
    public void Parse_WhenTheRegexNeedsNoBacktracking_RunsItInLinearTimeWithoutATimeLimit(string matcher)
    {
        var m = HookMatcher.Parse(matcher);

        Assert.True(m.IsLinearTime);
    }

    [Fact]
    public void Matches_WhenAnAlternativeWouldBacktrackCatastrophically_StillFindsTheMatch()
    {
        // On a backtracking engine "^(a+)+$" tries 2^40 ways to split the a's before the "!" alternative is tried, so a
        // time limit gave "no match"; whether a hook runs must not depend on that.
        var m = HookMatcher.Parse("^(a+)+$|!");

        Assert.True(m.Matches(new string('a', 40) + "!"));
        Assert.False(m.Matches(new string('a', 40) + "?"));
    }

    [Theory]
    [InlineData("(?=Wr)W.*", "Write", true)]
    [InlineData("(?=Wr)W.*", "WebFetch", false)]
    [InlineData("(?<!Multi)Edit", "MultiEdit", false)]
    [InlineData("(?<!Multi)Edit", "Edit", true)]
    [InlineData("(B)a\\1?sh", "Bash", true)]
    public void Matches_WhenThePatternNeedsTheBacktrackingEngine_StillMatchesAsWritten(string matcher, string tool, bool expected)
    {
        var m = HookMatcher.Parse(matcher);

        Assert.False(m.IsLinearTime);
        Assert.Equal(expected, m.Matches(tool));
    }
}
