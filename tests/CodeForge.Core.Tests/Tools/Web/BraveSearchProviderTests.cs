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

    [Fact]
    public async Task Search_AServerThatNeverAnswers_IsATimeoutErrorNotACancellation()
    {
        // A listening socket nobody accepts from: the request is sent and never answered, so the client's own
        // timeout always fires (the caller's token is never cancelled).
        var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
            using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(200) };
            using var provider = new BraveSearchProvider("key", new Uri($"http://127.0.0.1:{port}/"), http);

            var ex = await Assert.ThrowsAsync<WebSearchException>(() => provider.SearchAsync("rust", 10, Ct));

            Assert.Equal("Brave Search did not answer in time.", ex.Message);
            Assert.IsType<TaskCanceledException>(ex.InnerException);
        }
        finally
        {
            silent.Stop();
        }
    }

    [Fact]
    public async Task Search_ACancelledCall_IsACancellationNotASearchError()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        using var provider = new BraveSearchProvider("key", _server.BaseUrl);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provider.SearchAsync("rust", 10, cancelled.Token));
    }

    [Fact]
    public async Task Dispose_DisposesTheProvidersOwnClientButNotAGivenOne()
    {
        _server.MapText("/res/v1/web/search", "application/json", Answer);
        var own = new BraveSearchProvider("key", _server.BaseUrl);
        using var given = new HttpClient();
        var borrowing = new BraveSearchProvider("key", _server.BaseUrl, given);

        own.Dispose();
        borrowing.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => own.SearchAsync("rust", 10, Ct));
        Assert.Equal(2, (await borrowing.SearchAsync("rust", 10, Ct)).Count);
    }

    [Fact]
    public async Task Search_WithZeroMaxResults_AsksForOneAndSendsTheTrimmedKey()
    {
        _server.MapText("/res/v1/web/search", "application/json", Answer);
        using var provider = new BraveSearchProvider(" key ", _server.BaseUrl);

        var results = await provider.SearchAsync("rust", 0, Ct);

        Assert.Equal("?q=rust&count=1", Assert.Single(_server.Requests).Query);
        Assert.Equal("key", _server.Requests[0].Headers["X-Subscription-Token"]);
        Assert.Single(results);
    }

    [Fact]
    public async Task Search_ForbiddenAnswer_BlamesTheKey()
    {
        _server.MapText("/res/v1/web/search", "application/json", "{}", 403);
        using var provider = new BraveSearchProvider("key", _server.BaseUrl);

        var ex = await Assert.ThrowsAsync<WebSearchException>(() => provider.SearchAsync("rust", 10, Ct));

        Assert.Equal("Brave Search answered HTTP 403 Forbidden (the API key was refused; check BRAVE_API_KEY).", ex.Message);
    }

    [Fact]
    public void Parse_TakesTheHostForAMissingTitleStripsTagsAndStopsAtMaxResults()
    {
        const string json = """
            {"web":{"results":[
              {"url":"https://a.example/x","description":"<em>one</em>   two"},
              {"title":"no url"},
              {"title":"relative","url":"/relative"},
              {"title":"B","url":"http://b.example/"},
              {"title":"C","url":"https://c.example/"}
            ]}}
            """;

        Assert.Equal([new WebSearchResult("a.example", "https://a.example/x", "one two"), new WebSearchResult("B", "http://b.example/", "")],
            BraveSearchProvider.Parse(json, 2));
    }

    [Fact]
    public void Parse_NullJson_SaysTheAnswerIsEmpty()
    {
        var ex = Assert.Throws<WebSearchException>(() => BraveSearchProvider.Parse("null", 10));

        Assert.Equal("Brave Search's answer is empty.", ex.Message);
    }

    [Fact]
    public void Parse_InvalidJson_QuotesTheReadersError()
    {
        var ex = Assert.Throws<WebSearchException>(() => BraveSearchProvider.Parse("{", 10));

        Assert.StartsWith("Brave Search's answer is not valid JSON: ", ex.Message, StringComparison.Ordinal);
        Assert.IsType<System.Text.Json.JsonException>(ex.InnerException, exactMatch: false);
    }
}
