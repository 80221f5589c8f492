using CodeForge.Core.Tools.Web;

namespace CodeForge.Core.Tests.Tools.Web;

public sealed class DomainFilterTests
{
    private static DomainFilter Create(string[]? allowed, string[]? blocked)
    {
        Assert.True(DomainFilter.TryCreate(allowed, blocked, out var filter, out var error), error);
        return filter;
    }

    [Theory]
    [InlineData("https://example.com/a", true)]
    [InlineData("https://docs.example.com/a", true)]
    [InlineData("https://a.b.example.com/a", true)]
    [InlineData("https://EXAMPLE.com./a", true)]
    [InlineData("https://evil-example.com/a", false)]
    [InlineData("https://example.com.evil.net/a", false)]
    [InlineData("https://notexample.com/", false)]
    [InlineData("https://evil.net/?u=example.com", false)]
    [InlineData("https://evil.net/example.com", false)]
    [InlineData("not a url", false)]
    public void Allows_AllowedDomain_MatchesTheHostOnALabelBoundaryOnly(string url, bool expected) =>
        Assert.Equal(expected, Create(["example.com"], null).Allows(url));

    [Fact]
    public void Allows_BlockedDomain_RemovesItsSubdomainsButNotLookalikes()
    {
        var filter = Create(null, ["pinterest.com"]);

        Assert.False(filter.Allows("https://www.pinterest.com/pin/1"));
        Assert.False(filter.Allows("https://pinterest.com/"));
        Assert.True(filter.Allows("https://notpinterest.com/"));
        Assert.True(filter.Allows("https://example.org/pinterest.com"));
    }

    [Fact]
    public void Allows_BothLists_BlockedWins()
    {
        var filter = Create(["example.com"], ["ads.example.com"]);

        Assert.True(filter.Allows("https://www.example.com/"));
        Assert.False(filter.Allows("https://x.ads.example.com/"));
        Assert.False(filter.Allows("https://other.org/"));
    }

    [Theory]
    [InlineData("*.example.com")]
    [InlineData(".example.com")]
    [InlineData("https://example.com/some/path")]
    [InlineData("example.com/path")]
    [InlineData(" Example.COM ")]
    public void TryCreate_AcceptsCommonSpellingsOfADomain(string entry) =>
        Assert.True(Create([entry], null).Allows("https://api.example.com/"));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("exa mple.com")]
    [InlineData("*")]
    [InlineData("a..b")]
    public void TryCreate_BadEntry_IsReportedByList(string entry)
    {
        Assert.False(DomainFilter.TryCreate(null, [entry], out _, out var error));
        Assert.Contains("'blocked_domains'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Allows_NoDomains_AllowsEverything() => Assert.True(Create(null, null).Allows("https://anything.example/"));
}
