using CodeForge.Core.Tools.Web;

namespace CodeForge.Core.Tests.Tools.Web;

public sealed class WebSearchProvidersTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Key == name).Value;

    [Fact]
    public void FromEnvironment_WithoutAKey_IsDuckDuckGo() => Assert.Equal("DuckDuckGo", WebSearchProviders.FromEnvironment(Env()).Name);

    [Theory]
    [InlineData("BRAVE_API_KEY")]
    [InlineData("BRAVE_SEARCH_API_KEY")]
    public void FromEnvironment_WithABraveKey_IsBrave(string name) =>
        Assert.Equal("Brave", WebSearchProviders.FromEnvironment(Env((name, "k"))).Name);

    [Fact]
    public void FromEnvironment_ForcedDuckDuckGo_WinsOverAKey() =>
        Assert.Equal("DuckDuckGo", WebSearchProviders.FromEnvironment(Env(("BRAVE_API_KEY", "k"), ("FORGE_WEBSEARCH_PROVIDER", "duckduckgo"))).Name);

    [Theory]
    [InlineData("FORGE_WEBSEARCH_PROVIDER", "brave", "neither BRAVE_API_KEY")]
    [InlineData("FORGE_WEBSEARCH_PROVIDER", "bing", "expected duckduckgo or brave")]
    [InlineData("FORGE_DUCKDUCKGO_URL", "not a url", "FORGE_DUCKDUCKGO_URL")]
    public void FromEnvironment_BadValue_SaysWhich(string name, string value, string expected)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => WebSearchProviders.FromEnvironment(Env((name, value))));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
