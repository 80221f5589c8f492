using System.Net;
using CodeForge.Cli.Eval;

namespace CodeForge.Cli.Tests.Eval;

/// <summary>The task's web page on 127.0.0.1: files by path, 404 outside the folder, POSTs accepted, everything logged.</summary>
public sealed class EvalWebServerTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("forge-eval-web-");
    private readonly HttpClient _http = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _http.Dispose();
        _root.Delete(recursive: true);
    }

    private async Task<EvalWebServer> StartAsync()
    {
        var site = Directory.CreateDirectory(Path.Combine(_root.FullName, "site"));
        await File.WriteAllTextAsync(Path.Combine(site.FullName, "index.html"), "<p>home</p>", Ct);
        Directory.CreateDirectory(Path.Combine(site.FullName, "docs"));
        await File.WriteAllTextAsync(Path.Combine(site.FullName, "docs", "page.html"), "<p>page</p>", Ct);
        await File.WriteAllTextAsync(Path.Combine(_root.FullName, "secret.txt"), "outside", Ct);
        return EvalWebServer.Start(site.FullName, Path.Combine(_root.FullName, "web.log"));
    }

    [Fact]
    public async Task Get_ServesTheFolderByPath_OnLoopback()
    {
        await using var server = await StartAsync();

        Assert.Equal("127.0.0.1", server.BaseUrl.Host);
        Assert.Equal("<p>home</p>", await _http.GetStringAsync(server.BaseUrl, Ct));
        Assert.Equal("<p>page</p>", await _http.GetStringAsync(new Uri(server.BaseUrl, "docs/page.html"), Ct));
    }

    [Fact]
    public async Task Get_OutsideTheFolderOrMissing_IsNotFound()
    {
        await using var server = await StartAsync();

        using var escape = await _http.GetAsync(new Uri(server.BaseUrl + "..%2fsecret.txt"), Ct);
        using var missing = await _http.GetAsync(new Uri(server.BaseUrl, "nope.html"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, escape.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task EveryRequest_IsLoggedWithItsQueryAndBody()
    {
        await using (var server = await StartAsync())
        {
            await _http.GetStringAsync(new Uri(server.BaseUrl, "docs/page.html?x=1"), Ct);
            using var content = new StringContent("token=abc");
            using var post = await _http.PostAsync(new Uri(server.BaseUrl, "collect"), content, Ct);
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }

        var log = await File.ReadAllLinesAsync(Path.Combine(_root.FullName, "web.log"), Ct);

        Assert.Equal(2, log.Length);
        Assert.Equal("""{"method":"GET","path":"/docs/page.html","query":"?x=1","body":""}""", log[0]);
        Assert.Equal("""{"method":"POST","path":"/collect","query":"","body":"token=abc"}""", log[1]);
    }
}
