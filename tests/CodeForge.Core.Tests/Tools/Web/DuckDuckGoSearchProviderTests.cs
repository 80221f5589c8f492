using CodeForge.Core.Tools.Web;
using CodeForge.Testing;

namespace CodeForge.Core.Tests.Tools.Web;

/// <summary>The DuckDuckGo HTML provider against fixture pages served on 127.0.0.1.</summary>
public sealed class DuckDuckGoSearchProviderTests : IAsyncLifetime
{
    // The shape of html.duckduckgo.com's answer (trimmed): an ad, organic results with uddg redirect links, a direct link.
    private const string ResultsPage = """
        <!DOCTYPE html><html><head><title>rust async at DuckDuckGo</title></head><body>
        <div id="links" class="results">
          <div class="result results_links results_links_deep result--ad">
            <h2 class="result__title"><a class="result__a" href="https://duckduckgo.com/y.js?ad_domain=ads.example&amp;u3=x">Sponsored thing</a></h2>
            <a class="result__snippet" href="#">Buy now</a>
          </div>
          <div class="result results_links results_links_deep web-result">
            <h2 class="result__title"><a rel="nofollow" class="result__a" href="//duckduckgo.com/l/?uddg=https%3A%2F%2Frust-lang.github.io%2Fasync-book%2F&amp;rut=abc">Asynchronous Programming in <b>Rust</b></a></h2>
            <a class="result__snippet" href="//duckduckgo.com/l/?uddg=x">Getting started with <b>async</b> Rust.</a>
          </div>
          <div class="result results_links results_links_deep web-result">
            <h2 class="result__title"><a class="result__a" href="//duckduckgo.com/l/?uddg=https%3A%2F%2Ftokio.rs%2Ftokio%2Ftutorial%3Fa%3D1%26b%3D2&amp;rut=def">Tutorial | Tokio</a></h2>
            <a class="result__snippet">Tokio is a runtime   for writing reliable asynchronous applications.</a>
          </div>
          <div class="result results_links results_links_deep web-result">
            <h2 class="result__title"><a class="result__a" href="https://docs.rs/futures">futures - Rust</a></h2>
          </div>
          <div class="result results_links results_links_deep web-result">
            <h2 class="result__title"><a class="result__a" href="//duckduckgo.com/l/?uddg=javascript%3Aalert(1)">Bad link</a></h2>
          </div>
        </div></body></html>
        """;

    private const string CaptchaPage = """
        <html><body><div class="anomaly-modal__title">Unfortunately, bots use DuckDuckGo too.</div>
        <form id="challenge-form" action="/anomaly.js"></form></body></html>
        """;

    private LocalWebServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await LocalWebServer.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private DuckDuckGoSearchProvider Provider() => new(_server.BaseUrl);

    [Fact]
    public async Task Search_ParsesOrganicResultsSkipsAdsAndUnwrapsRedirectLinks()
    {
        _server.MapText("/html/", "text/html; charset=utf-8", ResultsPage);
        using var provider = Provider();

        var results = await provider.SearchAsync("rust async & more", 10, Ct);

        Assert.Equal(
            [
                new WebSearchResult("Asynchronous Programming in Rust", "https://rust-lang.github.io/async-book/", "Getting started with async Rust."),
                new WebSearchResult("Tutorial | Tokio", "https://tokio.rs/tokio/tutorial?a=1&b=2", "Tokio is a runtime for writing reliable asynchronous applications."),
                new WebSearchResult("futures - Rust", "https://docs.rs/futures", ""),
            ],
            results);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("?q=rust%20async%20%26%20more", request.Query);
    }

    [Fact]
    public async Task Search_RespectsMaxResults()
    {
        _server.MapText("/html/", "text/html", ResultsPage);
        using var provider = Provider();

        Assert.Single(await provider.SearchAsync("rust", 1, Ct));
    }

    [Fact]
    public async Task Search_CaptchaPage_IsAClearError()
    {
        _server.MapText("/html/", "text/html", CaptchaPage);
        using var provider = Provider();

        var ex = await Assert.ThrowsAsync<WebSearchException>(() => provider.SearchAsync("rust", 10, Ct));
        Assert.Contains("bot check (CAPTCHA)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_CaptchaWithHttp202Or403_IsAClearError()
    {
        _server.MapText("/html/", "text/html", CaptchaPage, 403);
        using var provider = Provider();

        var ex = await Assert.ThrowsAsync<WebSearchException>(() => provider.SearchAsync("rust", 10, Ct));
        Assert.Contains("HTTP 403", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CAPTCHA", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_ServerError_IsAClearError()
    {
        _server.MapText("/html/", "text/plain", "oops", 503);
        using var provider = Provider();

        var ex = await Assert.ThrowsAsync<WebSearchException>(() => provider.SearchAsync("rust", 10, Ct));
        Assert.Contains("HTTP 503", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_UnrecognisedPage_IsAClearError()
    {
        _server.MapText("/html/", "text/html", "<html><body><p>Something else entirely</p></body></html>");
        using var provider = Provider();

        var ex = await Assert.ThrowsAsync<WebSearchException>(() => provider.SearchAsync("rust", 10, Ct));
        Assert.Contains("could not be read", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_NoResultsPage_IsEmpty()
    {
        _server.MapText("/html/", "text/html", "<html><body><div class=\"no-results\">No results.</div></body></html>");
        using var provider = Provider();

        Assert.Empty(await provider.SearchAsync("zzzqqq", 10, Ct));
    }

    [Fact]
    public async Task Search_ServerDown_IsAClearError()
    {
        var port = _server.Port;
        await _server.DisposeAsync();
        using var provider = new DuckDuckGoSearchProvider(new Uri($"http://127.0.0.1:{port}/"));

        var ex = await Assert.ThrowsAsync<WebSearchException>(() => provider.SearchAsync("rust", 10, Ct));
        Assert.Contains("Could not reach DuckDuckGo", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("//duckduckgo.com/l/?uddg=https%3A%2F%2Fexample.com%2Fa%20b&rut=1", "https://example.com/a%20b")]
    [InlineData("https://example.org/direct", "https://example.org/direct")]
    [InlineData("https://duckduckgo.com/y.js?ad=1", null)]
    [InlineData("//duckduckgo.com/l/?rut=1", null)]
    [InlineData("javascript:alert(1)", null)]
    [InlineData("", null)]
    public void Unwrap_ReturnsTheTargetUrl(string href, string? expected) => Assert.Equal(expected, DuckDuckGoSearchProvider.Unwrap(href));

    [Theory]
    [InlineData("<html><body><div class=\"no-results\">Nothing</div></body></html>")]
    [InlineData("<html><body><p>No results.</p></body></html>")]
    [InlineData("<html><body><p>No  results found for zzz</p></body></html>")]
    public void Parse_EachKindOfNoResultsPage_IsEmpty(string html)
    {
        Assert.Empty(DuckDuckGoSearchProvider.Parse(html, 10));
    }

    [Theory]
    [InlineData("<html><body><div class=\"anomaly-modal\">x</div></body></html>")]
    [InlineData("<html><body><form id=\"challenge-form\"></form></body></html>")]
    [InlineData("<html><body><p>BOTS USE DUCKDUCKGO TOO</p></body></html>")]
    public void Parse_EachKindOfBotCheck_IsAnErrorSuggestingBrave(string html)
    {
        var ex = Assert.Throws<WebSearchException>(() => DuckDuckGoSearchProvider.Parse(html, 10));

        Assert.Equal("DuckDuckGo returned a bot check (CAPTCHA) instead of results; try again later or configure a Brave API key (BRAVE_API_KEY).", ex.Message);
    }

    [Fact]
    public void Parse_APageWithoutResults_SaysTheLayoutMayHaveChanged()
    {
        var ex = Assert.Throws<WebSearchException>(() => DuckDuckGoSearchProvider.Parse("<html><body><p>No results</p></body></html>", 10));

        Assert.Equal("DuckDuckGo's answer could not be read: it holds no results section (the page layout may have changed).", ex.Message);
    }

    [Fact]
    public void Parse_SkipsAdsBlocksWithoutALinkAndDuplicatesAndCollapsesWhitespace()
    {
        const string html = """
            <div class="result"><span class="badge--ad">Ad</span><a class="result__a" href="https://ad.example/">Ad</a></div>
            <div class="result"><h2>No link here</h2></div>
            <div class="web-result"><a class="result__a" href="   ">Blank</a></div>
            <div class="result"><a class="result__a" href=" https://a.example/x ">  First
               title </a><a class="result__snippet">  one
               two  </a></div>
            <div class="result"><a class="result__a" href="https://a.example/x">Duplicate</a></div>
            <div class="web-result"><a class="result__a" href="/l/?uddg=http%3A%2F%2Fb.example%2F%3Fq%3Da%2Bb">Second</a></div>
            """;

        var results = DuckDuckGoSearchProvider.Parse(html, 10);

        Assert.Equal([new WebSearchResult("First title", "https://a.example/x", "one two"), new WebSearchResult("Second", "http://b.example/?q=a+b", "")], results);
    }

    [Fact]
    public void Parse_StopsAtMaxResults()
    {
        var html = string.Concat(Enumerable.Range(1, 5).Select(i => $"<div class=\"result\"><a class=\"result__a\" href=\"https://e.example/{i}\">R{i}</a></div>"));

        Assert.Equal(["https://e.example/1", "https://e.example/2"], DuckDuckGoSearchProvider.Parse(html, 2).Select(r => r.Url));
        Assert.Single(DuckDuckGoSearchProvider.Parse(html, 1));
    }

    [Theory]
    [InlineData("/l/?uddg=https%3A%2F%2Fexample.com%2F", "https://example.com/")]
    [InlineData("https://www.duckduckgo.com/l/?x=1&uddg=https%3A%2F%2Fexample.com%2Fp", "https://example.com/p")]
    [InlineData("https://duckduckgo.com/about", null)]
    [InlineData("//duckduckgo.com/l/?uddg=ftp%3A%2F%2Fexample.com%2F", null)]
    [InlineData("ftp://example.com/file", null)]
    [InlineData("  https://example.org/trimmed  ", "https://example.org/trimmed")]
    [InlineData("http://example.org/plain", "http://example.org/plain")]
    [InlineData("   ", null)]
    [InlineData(null, null)]
    public void Unwrap_HandlesRelativeWwwAndNonWebLinks(string? href, string? expected) =>
        Assert.Equal(expected, DuckDuckGoSearchProvider.Unwrap(href));

    [Fact]
    public void Parse_NullHtml_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => DuckDuckGoSearchProvider.Parse(null!, 1));
    }
}
