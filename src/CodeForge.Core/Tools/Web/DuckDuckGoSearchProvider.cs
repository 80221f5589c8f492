using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace CodeForge.Core.Tools.Web;

/// <summary>
/// DuckDuckGo's HTML endpoint (no key): <c>GET {base}/html/?q=…</c>, results parsed with AngleSharp (<c>.result</c>
/// blocks; ads skipped), its <c>//duckduckgo.com/l/?uddg=…</c> redirect links unwrapped to the real URL. HTTP errors, a
/// bot-check page (CAPTCHA / "anomaly") and a page without the result markup are reported as <see cref="WebSearchException"/>.
/// </summary>
/// <remarks>Concurrency: holds a thread-safe <see cref="HttpClient"/> and nothing else; concurrent searches are independent.</remarks>
public sealed class DuckDuckGoSearchProvider : IWebSearchProvider, IDisposable
{
    /// <summary>The real endpoint's base.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://html.duckduckgo.com/");

    private readonly HttpClient _http;
    private readonly bool _ownsClient;
    private readonly Uri _baseUrl;

    /// <summary>Creates the provider.</summary>
    /// <param name="baseUrl">The endpoint's base (tests point it at a local server); <see cref="DefaultBaseUrl"/> by default.</param>
    /// <param name="http">The client to use; a private one (30 s timeout) by default.</param>
    public DuckDuckGoSearchProvider(Uri? baseUrl = null, HttpClient? http = null)
    {
        _baseUrl = baseUrl ?? DefaultBaseUrl;
        _ownsClient = http is null;
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <inheritdoc/>
    public string Name => "DuckDuckGo";

    /// <inheritdoc/>
    public async Task<IReadOnlyList<WebSearchResult>> SearchAsync(string query, int maxResults, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_baseUrl, "html/?q=" + Uri.EscapeDataString(query)));
        request.Headers.TryAddWithoutValidation("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
        request.Headers.TryAddWithoutValidation("Accept", "text/html");
        string html;
        HttpStatusCode status;
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            status = response.StatusCode;
            html = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new WebSearchException($"DuckDuckGo answered HTTP {(int)status} {response.ReasonPhrase}{(IsBotCheck(html) ? " with a bot check (CAPTCHA); try again later or configure a Brave API key (BRAVE_API_KEY)" : "")}.");
            }
        }
        catch (HttpRequestException ex)
        {
            throw new WebSearchException($"Could not reach DuckDuckGo: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WebSearchException("DuckDuckGo did not answer in time.", ex);
        }
        return Parse(html, maxResults);
    }

    /// <summary>The results on a DuckDuckGo HTML results page.</summary>
    /// <exception cref="WebSearchException">A bot check, or a page without the result markup.</exception>
    public static IReadOnlyList<WebSearchResult> Parse(string html, int maxResults)
    {
        ArgumentNullException.ThrowIfNull(html);
        if (IsBotCheck(html))
        {
            throw new WebSearchException("DuckDuckGo returned a bot check (CAPTCHA) instead of results; try again later or configure a Brave API key (BRAVE_API_KEY).");
        }
        var document = new HtmlParser().ParseDocument(html);
        var blocks = document.QuerySelectorAll("div.result, div.web-result");
        if (blocks.Length == 0)
        {
            if (document.QuerySelector(".no-results") is not null || html.Contains("No results.", StringComparison.Ordinal)
                || html.Contains("No  results", StringComparison.Ordinal))
            {
                return [];
            }
            throw new WebSearchException("DuckDuckGo's answer could not be read: it holds no results section (the page layout may have changed).");
        }
        var results = new List<WebSearchResult>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var block in blocks)
        {
            if (block.ClassList.Contains("result--ad") || block.QuerySelector(".badge--ad") is not null)
            {
                continue;
            }
            var link = block.QuerySelector("a.result__a");
            if (link is null)
            {
                continue;
            }
            var url = Unwrap(link.GetAttribute("href"));
            if (url is null || !seen.Add(url))
            {
                continue;
            }
            var snippet = block.QuerySelector(".result__snippet")?.TextContent ?? "";
            results.Add(new WebSearchResult(Clean(link.TextContent), url, Clean(snippet)));
            if (results.Count >= maxResults)
            {
                break;
            }
        }
        return results;
    }

    private static bool IsBotCheck(string html) =>
        html.Contains("anomaly-modal", StringComparison.Ordinal) || html.Contains("challenge-form", StringComparison.Ordinal)
        || html.Contains("bots use DuckDuckGo too", StringComparison.OrdinalIgnoreCase);

    /// <summary>The target of a DuckDuckGo redirect link (<c>//duckduckgo.com/l/?uddg=…</c>), or the link itself when it is
    /// already a plain http(s) URL; <see langword="null"/> for anything else (ads' y.js links, javascript:).</summary>
    public static string? Unwrap(string? href)
    {
        if (string.IsNullOrWhiteSpace(href))
        {
            return null;
        }
        var h = href.Trim();
        if (h.StartsWith("//", StringComparison.Ordinal))
        {
            h = "https:" + h;
        }
        else if (h.StartsWith('/'))
        {
            h = "https://duckduckgo.com" + h;
        }
        if (!Uri.TryCreate(h, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }
        if (uri.Host.EndsWith("duckduckgo.com", StringComparison.OrdinalIgnoreCase))
        {
            if (!uri.AbsolutePath.StartsWith("/l/", StringComparison.Ordinal))
            {
                return null; // an ad (y.js) or an internal link
            }
            foreach (var part in uri.Query.TrimStart('?').Split('&'))
            {
                if (part.StartsWith("uddg=", StringComparison.Ordinal))
                {
                    var target = Uri.UnescapeDataString(part[5..].Replace('+', ' '));
                    return Uri.TryCreate(target, UriKind.Absolute, out var t) && (t.Scheme == Uri.UriSchemeHttp || t.Scheme == Uri.UriSchemeHttps)
                        ? t.AbsoluteUri
                        : null;
                }
            }
            return null;
        }
        return uri.AbsoluteUri;
    }

    private static string Clean(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _http.Dispose();
        }
    }
}
