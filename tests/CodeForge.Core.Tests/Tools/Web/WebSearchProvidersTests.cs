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

    [Theory]
    [InlineData("brave")]
    [InlineData(" BRAVE ")]
    public void FromEnvironment_ForcedBraveWithAKey_IsBrave(string forced) =>
        Assert.Equal("Brave", WebSearchProviders.FromEnvironment(Env(("BRAVE_SEARCH_API_KEY", "k"), ("FORGE_WEBSEARCH_PROVIDER", forced))).Name);

    [Theory]
    [InlineData("  ")]
    [InlineData("")]
    public void FromEnvironment_ABlankKeyOrProvider_CountsAsUnset(string blank)
    {
        Assert.Equal("DuckDuckGo", WebSearchProviders.FromEnvironment(Env(("BRAVE_API_KEY", blank))).Name);
        Assert.Equal("Brave", WebSearchProviders.FromEnvironment(Env(("BRAVE_API_KEY", blank), ("BRAVE_SEARCH_API_KEY", "k"), ("FORGE_WEBSEARCH_PROVIDER", blank))).Name);
    }

    [Fact]
    public void FromEnvironment_ForcedBraveWithoutAKey_SaysWhichVariablesToSet()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => WebSearchProviders.FromEnvironment(Env(("FORGE_WEBSEARCH_PROVIDER", "brave"))));

        Assert.Equal("FORGE_WEBSEARCH_PROVIDER is brave, but neither BRAVE_API_KEY nor BRAVE_SEARCH_API_KEY is set.", ex.Message);
    }

    /// <summary>The environment for a base URL override: Brave's needs a key to be read at all.</summary>
    private static Func<string, string?> WithUrl(string name, string value) =>
        name == "FORGE_BRAVE_SEARCH_URL" ? Env((name, value), ("BRAVE_API_KEY", "k")) : Env((name, value));

    [Theory]
    [InlineData("FORGE_DUCKDUCKGO_URL", "http://127.0.0.1:9/ddg", "DuckDuckGo")]
    [InlineData("FORGE_DUCKDUCKGO_URL", "https://search.example/", "DuckDuckGo")]
    [InlineData("FORGE_BRAVE_SEARCH_URL", "http://127.0.0.1:9", "Brave")]
    public void FromEnvironment_AnHttpOverrideUrl_IsAccepted(string name, string value, string provider)
    {
        var chosen = WebSearchProviders.FromEnvironment(WithUrl(name, value));

        Assert.Equal(provider, chosen.Name);
        (chosen as IDisposable)?.Dispose();
    }

    [Theory]
    [InlineData("FORGE_DUCKDUCKGO_URL", "ftp://example.com/")]
    [InlineData("FORGE_DUCKDUCKGO_URL", "relative/path")]
    [InlineData("FORGE_BRAVE_SEARCH_URL", "file:///etc/passwd")]
    public void FromEnvironment_AnOverrideThatIsNotAnHttpUrl_IsRefusedNamingIt(string name, string value)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => WebSearchProviders.FromEnvironment(WithUrl(name, value)));

        Assert.Equal($"{name} is '{value}', which is not an absolute http(s) URL.", ex.Message);
    }

    [Fact]
    public void FromEnvironment_NullLookup_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => WebSearchProviders.FromEnvironment(null!));
    }
}
