using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

/// <summary>
/// The gitignore-style rules behind Glob, Grep's <c>glob</c> and <c>type</c>, and the walkers' .gitignore handling, as git
/// and ripgrep define them.
/// </summary>
public sealed class GlobRulesTests
{
    private static RuleMatch File(GlobRules rules, string relative) =>
        rules.Match(relative, relative[(relative.LastIndexOf('/') + 1)..], isDirectory: false);

    [Theory]
    [InlineData("*.{ts,tsx}", "*.ts|*.tsx")]
    [InlineData("{a,b}/{c,d}", "a/c|a/d|b/c|b/d")]
    [InlineData("x{a,{b,c}}y", "xay|xby|xcy")]
    [InlineData("{,pre}fix", "fix|prefix")]
    [InlineData("plain", "plain")]
    [InlineData("open{a,b", "open{a,b")]
    [InlineData("\\{a,b}", "\\{a,b}")]
    [InlineData("{a\\,b,c}", "a\\,b|c")]
    [InlineData("{single}", "single")]
    public void ExpandBraces_ExpandsEachAlternativeInOrder(string pattern, string expected)
    {
        Assert.Equal(expected.Split('|'), GlobRules.ExpandBraces(pattern));
    }

    [Fact]
    public void FromIgnoreLines_SkipsBlankLinesAndCommentsAndTheLastMatchingRuleWins()
    {
        var rules = GlobRules.FromIgnoreLines(["# comment", "", "*.log", "!keep.log", "  ", "/build"]);

        Assert.Equal(RuleMatch.Ignore, File(rules, "x.log"));
        Assert.Equal(RuleMatch.Ignore, File(rules, "deep/x.log"));
        Assert.Equal(RuleMatch.Whitelist, File(rules, "keep.log"));
        Assert.Equal(RuleMatch.None, File(rules, "comment"));
        Assert.Equal(RuleMatch.None, File(rules, "# comment"));
        Assert.Equal(RuleMatch.Ignore, rules.Match("build", "build", isDirectory: true));
        Assert.Equal(RuleMatch.None, rules.Match("sub/build", "build", isDirectory: true));
        Assert.Equal(1, rules.WhitelistCount);
        Assert.False(rules.IsEmpty);
    }

    [Fact]
    public void FromIgnoreLines_IgnoresUnescapedTrailingWhitespace()
    {
        // Not asserted: git's "kept\ " also matches a file named "kept " (escaped trailing space); here it matches
        // nothing (MAB.DotIgnore's handling of the escape), a known gap.
        var rules = GlobRules.FromIgnoreLines(["trailing   ", "tabbed\t", "crlf\r", "kept\\ "]);

        Assert.Equal(RuleMatch.Ignore, File(rules, "trailing"));
        Assert.Equal(RuleMatch.Ignore, File(rules, "tabbed"));
        Assert.Equal(RuleMatch.Ignore, File(rules, "crlf"));
        Assert.Equal(RuleMatch.None, File(rules, "kept"));
    }

    [Theory]
    [InlineData("!")]
    [InlineData("/")]
    [InlineData("!/")]
    public void FromIgnoreLines_ALineWithNothingToMatch_IsNoRule(string line)
    {
        Assert.True(GlobRules.FromIgnoreLines([line]).IsEmpty);
    }

    [Fact]
    public void FromOverrideGlobs_APlainGlobIncludesAndABangGlobExcludes()
    {
        var rules = GlobRules.FromOverrideGlobs(["*.{cs,md}", "!obj/**", " ", ""]);

        Assert.Equal(RuleMatch.Whitelist, File(rules, "a.cs"));
        Assert.Equal(RuleMatch.Whitelist, File(rules, "src/b.md"));
        Assert.Equal(RuleMatch.Ignore, File(rules, "obj/x.cs"));
        Assert.Equal(RuleMatch.None, File(rules, "a.txt"));
        Assert.Equal(2, rules.WhitelistCount);
    }

    [Fact]
    public void Match_AnchoredPatternsMatchOnlyAtTheTopAndPathPatternsTheWholePath()
    {
        var rules = GlobRules.FromOverrideGlobs(["/top.txt", "src/*.cs", "**/gen/*.g.cs"]);

        Assert.Equal(RuleMatch.Whitelist, File(rules, "top.txt"));
        Assert.Equal(RuleMatch.None, File(rules, "sub/top.txt"));
        Assert.Equal(RuleMatch.Whitelist, File(rules, "src/a.cs"));
        Assert.Equal(RuleMatch.None, File(rules, "lib/src/a.cs"));
        Assert.Equal(RuleMatch.Whitelist, File(rules, "a/b/gen/x.g.cs"));
        Assert.Equal(RuleMatch.Whitelist, File(rules, "gen/x.g.cs"));
    }

    [Fact]
    public void Match_ADirectoryOnlyPatternDoesNotMatchAFile()
    {
        var rules = GlobRules.FromIgnoreLines(["logs/"]);

        Assert.Equal(RuleMatch.Ignore, rules.Match("logs", "logs", isDirectory: true));
        Assert.Equal(RuleMatch.None, rules.Match("logs", "logs", isDirectory: false));
    }

    [Fact]
    public void Empty_MatchesNothing()
    {
        Assert.True(GlobRules.Empty.IsEmpty);
        Assert.Equal(0, GlobRules.Empty.WhitelistCount);
        Assert.Equal(RuleMatch.None, File(GlobRules.Empty, "a"));
    }
}
