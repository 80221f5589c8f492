using System.Text;
using CodeForge.Core.Tools.Web;
using CodeForge.Core.Web;
using CodeForge.Testing;

namespace CodeForge.Core.Tests.Tools.Web;

/// <summary>The fetcher against a real HTTP server on 127.0.0.1: SSRF guard, redirects, limits, charsets, cache.</summary>
public sealed class WebFetcherTests : IAsyncLifetime
{
    private LocalWebServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await LocalWebServer.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static WebToolOptions Loopback(WebToolOptions? o = null) => (o ?? WebToolOptions.Default) with { AllowedHosts = ["127.0.0.1"] };

    private static WebFetcher Fetcher(WebToolOptions? options = null, WebCache? cache = null) => new(cache ?? new WebCache(), options ?? Loopback());

    private const string Article = """
        <!doctype html><html><head><title>Tiny Parsers</title><script>var tracking = "SECRET_SCRIPT";</script>
        <style>.x { color: red }</style></head>
        <body>
        <nav><a href="/home">NAV_HOME</a> <a href="/about">NAV_ABOUT</a></nav>
        <div class="ad sponsored">BUY_NOW_AD</div>
        <article>
          <h1>Writing tiny parsers</h1>
          <p>Parsers are <strong>fun</strong> to write, and a small one fits on a page. This article explains how a
          recursive descent parser reads arithmetic expressions, one token at a time, and why it is the simplest
          way to start. We keep the grammar small so the whole thing stays readable.</p>
          <p>The grammar has three rules: an expression is a sum of terms, a term is a product of factors, and a
          factor is a number or an expression in parentheses. Each rule becomes one function in the parser, which
          calls the others as the grammar says. See <a href="/docs/grammar">the grammar notes</a> for details.</p>
          <pre><code class="language-python">def parse(tokens):
            return expr(tokens)</code></pre>
          <p>That is all there is to it: each function consumes the tokens it understands and returns a value,
          and errors are reported at the token where the parser got stuck, which makes them easy to read.</p>
        </article>
        <footer>FOOTER_COPYRIGHT</footer>
        </body></html>
        """;

    [Fact]
    public async Task Fetch_HtmlArticle_ReturnsMarkdownOfTheMainContentWithoutNavScriptsOrAds()
    {
        _server.MapText("/article", "text/html; charset=utf-8", Article);
        using var fetcher = Fetcher();

        var outcome = await fetcher.FetchAsync(_server.Url("/article"), Ct);

        Assert.Equal(WebFetchStatus.Fetched, outcome.Status);
        var md = outcome.Response!.Content;
        Assert.Contains("Writing tiny parsers", md, StringComparison.Ordinal);
        Assert.Contains("**fun**", md, StringComparison.Ordinal);
        Assert.Contains("```python\ndef parse(tokens):", md, StringComparison.Ordinal);
        Assert.Contains($"[the grammar notes]({_server.Url("/docs/grammar")})", md, StringComparison.Ordinal);
        foreach (var junk in new[] { "SECRET_SCRIPT", "NAV_HOME", "BUY_NOW_AD", "FOOTER_COPYRIGHT", "color: red" })
        {
            Assert.DoesNotContain(junk, md, StringComparison.Ordinal);
        }
        Assert.Equal(_server.Url("/article"), outcome.Response.FinalUrl);
    }

    [Fact]
    public async Task Fetch_SameUrlTwice_SecondIsServedFromTheCacheWithoutASecondRequest()
    {
        _server.MapText("/cached", "text/plain", "hello cache");
        using var fetcher = Fetcher();

        var first = await fetcher.FetchAsync(_server.Url("/cached"), Ct);
        var second = await fetcher.FetchAsync(_server.Url("/cached"), Ct);

        Assert.False(first.Response!.FromCache);
        Assert.True(second.Response!.FromCache);
        Assert.Equal("hello cache", second.Response.Content);
        Assert.Equal(1, _server.CountOf("/cached"));
        Assert.Equal(1, fetcher.NetworkFetches);
    }

    [Fact]
    public async Task Fetch_AfterTheCacheTtl_FetchesAgain()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        _server.MapText("/ttl", "text/plain", "v");
        using var fetcher = new WebFetcher(new WebCache(new WebCacheOptions(), time), Loopback(), time);

        await fetcher.FetchAsync(_server.Url("/ttl"), Ct);
        time.Advance(TimeSpan.FromMinutes(16));
        var again = await fetcher.FetchAsync(_server.Url("/ttl"), Ct);

        Assert.False(again.Response!.FromCache);
        Assert.Equal(2, _server.CountOf("/ttl"));
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/page", "loopback")]
    [InlineData("http://[::1]:{port}/page", "loopback")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/page", "loopback")]
    [InlineData("http://2130706433:{port}/page", "loopback")]
    [InlineData("http://0177.0.0.1:{port}/page", "loopback")]
    [InlineData("http://0x7f.0.0.1:{port}/page", "loopback")]
    [InlineData("http://127.1:{port}/page", "loopback")]
    [InlineData("http://10.0.0.1/", "private")]
    [InlineData("http://172.16.5.4/", "private")]
    [InlineData("http://192.168.1.1/", "private")]
    [InlineData("http://100.64.0.1/", "private")]
    [InlineData("http://[fd12:3456::1]/", "private")]
    [InlineData("http://169.254.10.10/", "link-local")]
    [InlineData("http://[fe80::1]/", "link-local")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "metadata")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/", "metadata")]
    [InlineData("http://224.0.0.1/", "multicast")]
    [InlineData("http://0.0.0.0:{port}/page", "unspecified")]
    public async Task Fetch_NonPublicAddress_IsRefusedByDefaultWithoutAnyRequest(string template, string kind)
    {
        _server.MapText("/page", "text/plain", "private data");
        using var fetcher = Fetcher(WebToolOptions.Default);

        var outcome = await fetcher.FetchAsync(template.Replace("{port}", _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), Ct);

        Assert.Equal(WebFetchStatus.Failed, outcome.Status);
        Assert.Contains("Refused", outcome.Error, StringComparison.Ordinal);
        Assert.Contains(kind, outcome.Error, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Fetch_HostNameResolvingToLoopback_IsRefusedAtConnectTime()
    {
        _server.MapText("/page", "text/plain", "private data");
        using var fetcher = Fetcher(WebToolOptions.Default);

        var outcome = await fetcher.FetchAsync($"http://localhost:{_server.Port}/page", Ct);

        Assert.Equal(WebFetchStatus.Failed, outcome.Status);
        Assert.Contains("localhost resolves to", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("loopback", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Theory]
    [InlineData("http://localhost:{port}/page")]
    [InlineData("http://127.0.0.1:{port}/page")]
    [InlineData("http://2130706433:{port}/page")]
    public async Task Fetch_LoopbackWhenSettingsAllowThePrivateNetwork_IsFetchedOverHttp(string template)
    {
        _server.MapText("/page", "text/plain", "private data");
        using var fetcher = Fetcher(WebToolOptions.Default with { AllowPrivateNetwork = true });

        var outcome = await fetcher.FetchAsync(template.Replace("{port}", _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), Ct);

        Assert.True(outcome.Status == WebFetchStatus.Fetched, outcome.Error);
        Assert.Equal("private data", outcome.Response!.Content);
        Assert.StartsWith("http://", outcome.Response.FinalUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_MetadataAddressWithPrivateNetworkAllowed_IsStillRefused()
    {
        using var fetcher = Fetcher(WebToolOptions.Default with { AllowPrivateNetwork = true });

        var outcome = await fetcher.FetchAsync("http://169.254.169.254/latest/meta-data/iam/", Ct);

        Assert.Equal(WebFetchStatus.Failed, outcome.Status);
        Assert.Contains("cloud metadata", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_HttpUrlOfAPublicHost_IsUpgradedToHttps()
    {
        using var fetcher = Fetcher(WebToolOptions.Default);

        Assert.True(fetcher.TryPrepare("http://example.com/a?b=1", out var uri, out _));
        Assert.Equal("https://example.com/a?b=1", uri.AbsoluteUri);
        Assert.True(fetcher.TryPrepare("http://example.com:8080/a", out var withPort, out _));
        Assert.Equal("https://example.com:8080/a", withPort.AbsoluteUri);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("/relative/path", "not an absolute URL")]
    [InlineData("example.com/page", "not an absolute URL")]
    [InlineData("ftp://example.com/file", "'ftp' scheme")]
    [InlineData("file:///etc/passwd", "'file' scheme")]
    [InlineData("javascript:alert(1)", "not an absolute URL")]
    [InlineData("https://user:pass@example.com/", "password")]
    public async Task Fetch_BadUrl_FailsWithAClearReason(string url, string expected)
    {
        using var fetcher = Fetcher();

        var outcome = await fetcher.FetchAsync(url, Ct);

        Assert.Equal(WebFetchStatus.Failed, outcome.Status);
        Assert.Contains(expected, outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_TooLongUrl_Fails()
    {
        using var fetcher = Fetcher();

        var outcome = await fetcher.FetchAsync("https://example.com/" + new string('a', 2100), Ct);

        Assert.Contains("at most 2000", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_ChainedSameHostRedirects_AreFollowedToTheFinalPage()
    {
        _server.MapRedirect("/a", "/b", 301).MapRedirect("/b", _server.Url("/c"), 307).MapRedirect("/c", "d", 302)
            .MapText("/d", "text/plain", "the end");
        using var fetcher = Fetcher();

        var outcome = await fetcher.FetchAsync(_server.Url("/a"), Ct);

        Assert.True(outcome.Status == WebFetchStatus.Fetched, outcome.Error);
        Assert.Equal("the end", outcome.Response!.Content);
        Assert.Equal(_server.Url("/d"), outcome.Response.FinalUrl);
        Assert.Equal(_server.Url("/a"), outcome.Response.Url);
    }

    [Fact]
    public async Task Fetch_RedirectLoop_StopsAfterTheHopLimit()
    {
        _server.MapRedirect("/loop", "/loop");
        using var fetcher = Fetcher(Loopback() with { MaxRedirects = 10 });

        var outcome = await fetcher.FetchAsync(_server.Url("/loop"), Ct);

        Assert.Equal(WebFetchStatus.Failed, outcome.Status);
        Assert.Contains("Too many redirects", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(11, _server.CountOf("/loop"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Fetch_RedirectToAPrivateAddress_IsRefusedWhetherOrNotCrossHostRedirectsAreFollowed(bool follow)
    {
        _server.MapRedirect("/to-private", "http://10.1.2.3/admin").MapRedirect("/to-metadata", "http://169.254.169.254/latest/meta-data/");
        using var fetcher = Fetcher(Loopback() with { FollowCrossHostRedirects = follow });

        var a = await fetcher.FetchAsync(_server.Url("/to-private"), Ct);
        var b = await fetcher.FetchAsync(_server.Url("/to-metadata"), Ct);

        Assert.Equal(WebFetchStatus.Failed, a.Status);
        Assert.Contains("10.1.2.3 is a private-network address", a.Error, StringComparison.Ordinal);
        Assert.Equal(WebFetchStatus.Failed, b.Status);
        Assert.Contains("cloud metadata", b.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_FollowedRedirectToANameResolvingToLoopback_IsRefusedAtConnectTime()
    {
        _server.MapRedirect("/to-localhost", $"http://localhost:{_server.Port}/secret").MapText("/secret", "text/plain", "secret");
        using var fetcher = Fetcher(Loopback() with { FollowCrossHostRedirects = true });

        var outcome = await fetcher.FetchAsync(_server.Url("/to-localhost"), Ct);

        Assert.Equal(WebFetchStatus.Failed, outcome.Status);
        Assert.Contains("localhost resolves to", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(0, _server.CountOf("/secret"));
    }

    [Fact]
    public async Task Fetch_RedirectToAnotherHost_IsReportedNotFollowedByDefault()
    {
        _server.MapRedirect("/moved", $"http://localhost:{_server.Port}/new").MapText("/new", "text/plain", "new");
        using var fetcher = Fetcher(Loopback() with { AllowPrivateNetwork = true });

        var outcome = await fetcher.FetchAsync(_server.Url("/moved"), Ct);

        Assert.Equal(WebFetchStatus.CrossHostRedirect, outcome.Status);
        Assert.Equal($"http://localhost:{_server.Port}/new", outcome.RedirectUrl);
        Assert.Equal(302, outcome.RedirectStatus);
        Assert.Equal(0, _server.CountOf("/new"));
    }

    [Fact]
    public async Task Fetch_RedirectToAnotherScheme_IsNotFollowed()
    {
        _server.MapRedirect("/ftp", "ftp://example.com/file");
        using var fetcher = Fetcher();

        var outcome = await fetcher.FetchAsync(_server.Url("/ftp"), Ct);

        Assert.Contains("not an http(s) URL", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_HugeBody_IsCutAtTheDownloadLimitWithAMarker()
    {
        var body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0123456789abcdef", 1024 * 1024 / 16 * 3))); // 3 MiB
        _server.MapBytes("/huge", "text/plain", body);
        using var fetcher = Fetcher(Loopback() with { MaxDownloadBytes = 1024 * 1024 });

        var outcome = await fetcher.FetchAsync(_server.Url("/huge"), Ct);

        Assert.True(outcome.Status == WebFetchStatus.Fetched, outcome.Error);
        Assert.StartsWith("0123456789abcdef", outcome.Response!.Content, StringComparison.Ordinal);
        Assert.Contains("download stopped at 1,048,576 bytes", outcome.Response.Content, StringComparison.Ordinal);
        Assert.InRange(outcome.Response.Content.Length, 1024 * 1024, (1024 * 1024) + 200);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Fetch_SlowServer_TimesOut(bool headersFirst)
    {
        _server.MapHanging("/slow", headersFirst);
        using var fetcher = Fetcher(Loopback() with { Timeout = TimeSpan.FromMilliseconds(300) });

        var outcome = await fetcher.FetchAsync(_server.Url("/slow"), Ct);

        Assert.Equal(WebFetchStatus.Failed, outcome.Status);
        Assert.Contains("Timed out after 0.3 s", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_CallerCancels_ThrowsOperationCanceled()
    {
        _server.MapHanging("/hang");
        using var fetcher = Fetcher();
        using var cts = new CancellationTokenSource();

        var fetch = fetcher.FetchAsync(_server.Url("/hang"), cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch);
    }

    [Theory]
    [InlineData("image/png")]
    [InlineData("application/octet-stream")]
    [InlineData("application/pdf")]
    [InlineData("video/mp4")]
    public async Task Fetch_BinaryContentType_IsRefusedWithAMessage(string type)
    {
        _server.MapBytes("/bin", type, [0x89, 0x50, 0x4E, 0x47, 0, 0, 1, 2]);
        using var fetcher = Fetcher();

        var outcome = await fetcher.FetchAsync(_server.Url("/bin"), Ct);

        Assert.Equal(WebFetchStatus.Failed, outcome.Status);
        Assert.Contains(type, outcome.Error, StringComparison.Ordinal);
        Assert.Contains("cannot read", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_NoContentTypeAndBinaryBytes_IsRefused()
    {
        _server.MapBytes("/raw", null, [1, 2, 0, 3, 0, 4]);
        using var fetcher = Fetcher();

        var outcome = await fetcher.FetchAsync(_server.Url("/raw"), Ct);

        Assert.Contains("looks binary", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_Json_IsPassedThroughUnchanged()
    {
        const string json = "{\"name\": \"forge\", \"tags\": [\"a\", \"<b>\"]}";
        _server.MapText("/api", "application/json", json);
        using var fetcher = Fetcher();

        var outcome = await fetcher.FetchAsync(_server.Url("/api"), Ct);

        Assert.Equal(json, outcome.Response!.Content);
    }

    [Fact]
    public async Task Fetch_HttpError_FailsWithTheStatus()
    {
        using var fetcher = Fetcher();

        var outcome = await fetcher.FetchAsync(_server.Url("/missing"), Ct);

        Assert.Equal(WebFetchStatus.Failed, outcome.Status);
        Assert.Contains("HTTP 404", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_FailedFetch_IsNotCached()
    {
        using var fetcher = Fetcher();

        await fetcher.FetchAsync(_server.Url("/later"), Ct);
        _server.MapText("/later", "text/plain", "now here");
        var second = await fetcher.FetchAsync(_server.Url("/later"), Ct);

        Assert.Equal("now here", second.Response!.Content);
    }

    [Fact]
    public async Task Fetch_Windows1252FromTheHeader_IsDecoded()
    {
        var encoding = CodePagesEncoding(1252);
        _server.MapBytes("/cp1252", "text/plain; charset=windows-1252", encoding.GetBytes("caf\u00e9 \u20ac5 \u201cquoted\u201d"));
        using var fetcher = Fetcher();

        var outcome = await fetcher.FetchAsync(_server.Url("/cp1252"), Ct);

        Assert.Equal("caf\u00e9 \u20ac5 \u201cquoted\u201d", outcome.Response!.Content);
    }

    [Fact]
    public async Task Fetch_ShiftJisFromAMetaTag_IsDecoded()
    {
        var encoding = CodePagesEncoding(932);
        var html = "<html><head><meta charset=\"shift_jis\"><title>t</title></head><body><p>\u65e5\u672c\u8a9e\u306e\u30da\u30fc\u30b8</p></body></html>";
        _server.MapBytes("/sjis", "text/html", encoding.GetBytes(html));
        using var fetcher = Fetcher();

        var outcome = await fetcher.FetchAsync(_server.Url("/sjis"), Ct);

        Assert.Contains("\u65e5\u672c\u8a9e\u306e\u30da\u30fc\u30b8", outcome.Response!.Content, StringComparison.Ordinal);
        Assert.Equal("shift_jis", outcome.Response.Encoding);
    }

    [Fact]
    public async Task Fetch_Latin1Label_IsDecodedAsWindows1252LikeBrowsers()
    {
        _server.MapBytes("/latin1", "text/plain; charset=iso-8859-1", [0x63, 0x61, 0x66, 0xE9, 0x20, 0x80]);
        using var fetcher = Fetcher();

        var outcome = await fetcher.FetchAsync(_server.Url("/latin1"), Ct);

        Assert.Equal("caf\u00e9 \u20ac", outcome.Response!.Content);
    }

    [Fact]
    public async Task Fetch_Utf8Bom_IsStripped()
    {
        _server.MapBytes("/bom", "text/plain", [0xEF, 0xBB, 0xBF, (byte)'o', (byte)'k']);
        using var fetcher = Fetcher();

        var outcome = await fetcher.FetchAsync(_server.Url("/bom"), Ct);

        Assert.Equal("ok", outcome.Response!.Content);
    }

    [Fact]
    public async Task Fetch_SendsAUserAgentAndNoCookies()
    {
        _server.MapText("/ua", "text/plain", "x");
        using var fetcher = Fetcher();

        await fetcher.FetchAsync(_server.Url("/ua"), Ct);

        var request = Assert.Single(_server.Requests);
        Assert.Contains("CodeForge", request.Headers["User-Agent"], StringComparison.Ordinal);
        Assert.False(request.Headers.ContainsKey("Cookie"));
    }

    private static Encoding CodePagesEncoding(int codePage)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(codePage);
    }
}
