using CodeForge.Core.Tools.Web;
using CodeForge.Testing;

namespace CodeForge.Core.Tests.Tools.Web;

/// <summary>The Brave provider against JSON served on 127.0.0.1.</summary>
public sealed class BraveSearchProviderTests : IAsyncLifetime
{
    private const string Answer = """
        {"type":"search","query":{"original":"rust"},"web":{"type":"search","results":[
          {"title":"The <strong>Rust</strong> Programming Language","url":"https://www.rust-lang.org/","description":"A language empowering everyone &amp; more.","age":"1 day"},
          {"title":"Bad","url":"ftp://files.example.com/x","description":"skip"},
          {"title":"Rust (video game)","url":"https://rust.facepunch.com/","description":"Survival"}
        ]}}
        """;

    private LocalWebServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await LocalWebServer.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Search_SendsTheKeyAndQueryAndParsesTheResults()
    {
        _server.MapText("/res/v1/web/search", "application/json", Answer);
        using var provider = new BraveSearchProvider("key-123", _server.BaseUrl);

        var results = await provider.SearchAsync("rust lang", 30, Ct);

        Assert.Equal(
            [
                new WebSearchResult("The Rust Programming Language", "https://www.rust-lang.org/", "A language empowering everyone & more."),
                new WebSearchResult("Rust (video game)", "https://rust.facepunch.com/", "Survival"),
            ],
            results);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("key-123", request.Headers["X-Subscription-Token"]);
        Assert.Equal("?q=rust%20lang&count=20", request.Query);
    }

    [Theory]
    [InlineData(401, "API key was refused")]
    [InlineData(429, "rate limited")]
    [InlineData(500, "HTTP 500")]
    public async Task Search_HttpError_IsAClearError(int status, string expected)
    {
        _server.MapText("/res/v1/web/search", "application/json", "{\"error\":{}}", status);
        using var provider = new BraveSearchProvider("key", _server.BaseUrl);

        var ex = await Assert.ThrowsAsync<WebSearchException>(() => provider.SearchAsync("rust", 10, Ct));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_InvalidJson_IsAClearError()
    {
        _server.MapText("/res/v1/web/search", "application/json", "<html>not json</html>");
        using var provider = new BraveSearchProvider("key", _server.BaseUrl);

        var ex = await Assert.ThrowsAsync<WebSearchException>(() => provider.SearchAsync("rust", 10, Ct));
        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AnswerWithoutWebResults_IsEmpty() => Assert.Empty(BraveSearchProvider.Parse("{\"type\":\"search\"}", 10));

    [Fact]
    public void Constructor_BlankKey_Throws() => Assert.Throws<ArgumentException>(() => new BraveSearchProvider(" "));
}
