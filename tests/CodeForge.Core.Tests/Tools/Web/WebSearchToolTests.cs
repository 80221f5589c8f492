using System.Text.Json;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.Web;

namespace CodeForge.Core.Tests.Tools.Web;

public sealed class WebSearchToolTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly WebSearchResult[] Results =
    [
        new("Example docs", "https://docs.example.com/start", "Getting started"),
        new("Evil lookalike", "https://evil-example.com/start", "Phish"),
        new("Example root", "https://example.com/", "Home"),
        new("Other", "https://other.org/example.com", "Mentions example.com in its path"),
        new("Ads", "https://ads.example.com/x", "An ad"),
    ];

    private static async Task<ToolResult> RunAsync(string json, IWebSearchProvider? provider = null) =>
        await new WebSearchTool(provider ?? new FakeProvider(Results)).ExecuteAsync(JsonElement.Parse(json), new ToolContext(Path.GetTempPath()), Ct);

    [Fact]
    public async Task Execute_ListsResultsAsMarkdownInsideTheUntrustedBlock()
    {
        var result = await RunAsync("""{"query":"example docs"}""");

        Assert.True(result.Success, result.Error);
        Assert.Contains("1. [Example docs](https://docs.example.com/start)\n   Getting started", result.Output, StringComparison.Ordinal);
        Assert.Contains("<untrusted-web-content source=\"Fake\">", result.Output, StringComparison.Ordinal);
        Assert.Contains("Sources:", result.Output, StringComparison.Ordinal);
        Assert.Equal(5, result.Metadata["results"]);
    }

    [Fact]
    public async Task Execute_AllowedDomains_KeepOnlyResultsWhoseHostIsUnderThem()
    {
        var result = await RunAsync("""{"query":"example","allowed_domains":["example.com"]}""");

        Assert.Contains("docs.example.com", result.Output, StringComparison.Ordinal);
        Assert.Contains("(https://example.com/)", result.Output, StringComparison.Ordinal);
        Assert.Contains("ads.example.com", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("evil-example.com", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("other.org", result.Output, StringComparison.Ordinal);
        Assert.Equal(2, result.Metadata["filtered_out"]);
    }

    [Fact]
    public async Task Execute_BlockedDomains_RemoveTheirHostsOnly()
    {
        var result = await RunAsync("""{"query":"example","blocked_domains":["ads.example.com","evil-example.com"]}""");

        Assert.DoesNotContain("ads.example.com", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("evil-example.com", result.Output, StringComparison.Ordinal);
        Assert.Contains("docs.example.com", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_WithAFilter_AsksTheProviderForMoreResults()
    {
        var provider = new FakeProvider(Results);

        await RunAsync("""{"query":"example","allowed_domains":["example.com"]}""", provider);

        Assert.Equal(WebSearchTool.MaxResults * 3, provider.LastMax);
    }

    [Fact]
    public async Task Execute_ProviderError_FailsNamingTheProvider()
    {
        var result = await RunAsync("""{"query":"x y"}""", new FakeProvider(error: "DuckDuckGo returned a bot check"));

        Assert.False(result.Success);
        Assert.Equal("Web search failed (Fake): DuckDuckGo returned a bot check", result.Error);
    }

    [Fact]
    public async Task Execute_NoResults_SaysSo()
    {
        var result = await RunAsync("""{"query":"nothing here"}""", new FakeProvider([]));

        Assert.True(result.Success);
        Assert.Contains("No results.", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{}""", "'query' is required")]
    [InlineData("""{"query":5}""", "'query' must be a string")]
    [InlineData("""{"query":" a "}""", "at least 2 characters")]
    [InlineData("""{"query":"ok","allowed_domains":"example.com"}""", "'allowed_domains' must be an array")]
    [InlineData("""{"query":"ok","blocked_domains":[1]}""", "'blocked_domains[0]' must be a string, got 1")]
    [InlineData("""{"query":"ok","allowed_domains":["exa mple.com"]}""", "not a domain")]
    public async Task Execute_BadArguments_FailWithAClearMessage(string json, string expected)
    {
        var result = await RunAsync(json);

        Assert.False(result.Success);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Tool_HasClaudeCodesNameAndParameters()
    {
        var tool = new WebSearchTool(new FakeProvider([]));

        Assert.Equal("WebSearch", tool.Name);
        Assert.Equal(["query", "allowed_domains", "blocked_domains"], tool.Schema.JsonSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.NotEmpty(tool.Schema.Validate(JsonElement.Parse("""{"query":"x"}""")));
        Assert.NotEmpty(tool.Schema.Validate(JsonElement.Parse("""{"query":"xy","allowed_domains":[3]}""")));
        Assert.Empty(tool.Schema.Validate(JsonElement.Parse("""{"query":"xy","allowed_domains":["a.com"]}""")));
    }

    private sealed class FakeProvider(IReadOnlyList<WebSearchResult>? results = null, string? error = null) : IWebSearchProvider
    {
        public int LastMax { get; private set; }

        public string Name => "Fake";

        public Task<IReadOnlyList<WebSearchResult>> SearchAsync(string query, int maxResults, CancellationToken cancellationToken)
        {
            LastMax = maxResults;
            return error is null ? Task.FromResult(results ?? []) : Task.FromException<IReadOnlyList<WebSearchResult>>(new WebSearchException(error));
        }
    }
}
