using CodeForge.Core.Permissions;
using static CodeForge.Core.Tests.Permissions.PermissionTestKit;

namespace CodeForge.Core.Tests.Permissions;

/// <summary>Facts about one shell word as written: what the shell computes when the command runs (bash(1), QUOTING).</summary>
public sealed class BashWordsTests
{
    /// <summary>Inside single quotes every character is literal, <c>$</c> and <c>`</c> included.</summary>
    [Theory]
    [InlineData("'$HOME'", false)]
    [InlineData("'`id`'", false)]
    [InlineData("'a\\'", false)]
    [InlineData("'a'$HOME", true)]
    [InlineData("'a'\"$HOME\"", true)]
    [InlineData("\"$HOME\"", true)]
    [InlineData("'x''y'", false)]
    public void IsDynamic_OfSingleQuotedText_IsFalseUntilTheQuoteCloses(string word, bool dynamic)
    {
        Assert.Equal(dynamic, BashWords.IsDynamic(word));
    }

    [Fact]
    public void ASingleQuotedDollarInAFileName_IsALiteralFileInTheWorkspace()
    {
        var policy = PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty);

        Assert.Equal(PermissionBehavior.Allow, policy.Evaluate("Bash", Command("cat '$notes.txt'")).Behavior);
        Assert.Equal(PermissionBehavior.Deny, PolicyWith(PermissionBehavior.Deny, "Read(./$notes.txt)").Evaluate("Bash", Command("cat '$notes.txt'")).Behavior);
    }

    /// <summary>A glob segment as bash matches it: an escaped wildcard is the character itself, a leading dot is literal.</summary>
    [Theory]
    [InlineData("a\\*b", "a*b", true)]
    [InlineData("a\\*b", "axb", false)]
    [InlineData("\\?", "?", true)]
    [InlineData("\\?", "x", false)]
    [InlineData("a\\", "a\\", true)]
    [InlineData("*.txt", "notes.txt", true)]
    [InlineData("*.txt", ".notes.txt", false)]
    [InlineData("?x", ".x", false)]
    [InlineData("[!a]b", "cb", true)]
    [InlineData("[!a]b", "ab", false)]
    public void SegmentRegex_MatchesAsBashDoes(string segment, string name, bool matches)
    {
        Assert.Equal(matches, BashWords.SegmentRegex(segment).IsMatch(name));
    }
}
