using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeForge.Core.Tools.Web;

/// <summary>
/// Brave Search's web API (needs a key: <c>BRAVE_API_KEY</c> or <c>BRAVE_SEARCH_API_KEY</c>): <c>GET
/// {base}/res/v1/web/search?q=…&amp;count=…</c> with <c>X-Subscription-Token</c>; JSON read through a source-generated
/// context. HTTP errors (401/403 bad key, 429 rate limit, 5xx) and unreadable JSON are reported as
/// <see cref="WebSearchException"/>.
/// </summary>
/// <remarks>Concurrency: holds a thread-safe <see cref="HttpClient"/> and immutable settings; concurrent searches are independent.</remarks>
public sealed class BraveSearchProvider : IWebSearchProvider, IDisposable
{
    /// <summary>The real endpoint's base.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://api.search.brave.com/");

    private readonly string _apiKey;
    private readonly HttpClient _http;
    private readonly bool _ownsClient;
    private readonly Uri _baseUrl;

    /// <summary>Creates the provider.</summary>
    /// <exception cref="ArgumentException">The key is blank.</exception>
    public BraveSearchProvider(string apiKey, Uri? baseUrl = null, HttpClient? http = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        _apiKey = apiKey.Trim();
        _baseUrl = baseUrl ?? DefaultBaseUrl;
        _ownsClient = http is null;
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <inheritdoc/>
    public string Name => "Brave";

    /// <inheritdoc/>
    public async Task<IReadOnlyList<WebSearchResult>> SearchAsync(string query, int maxResults, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        var count = Math.Clamp(maxResults, 1, 20);
        var url = new Uri(_baseUrl, "res/v1/web/search?q=" + Uri.EscapeDataString(query) + "&count=" + count.ToString(CultureInfo.InvariantCulture));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        request.Headers.TryAddWithoutValidation("X-Subscription-Token", _apiKey);
        string body;
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var why = response.StatusCode switch
                {
                    HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => " (the API key was refused; check BRAVE_API_KEY)",
                    HttpStatusCode.TooManyRequests => " (rate limited; try again later)",
                    _ => "",
                };
                throw new WebSearchException($"Brave Search answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}{why}.");
            }
        }
        catch (HttpRequestException ex)
        {
            throw new WebSearchException($"Could not reach Brave Search: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WebSearchException("Brave Search did not answer in time.", ex);
        }
        return Parse(body, maxResults);
    }

    /// <summary>The results in a Brave web search JSON answer.</summary>
    /// <exception cref="WebSearchException">The JSON cannot be read.</exception>
    public static IReadOnlyList<WebSearchResult> Parse(string json, int maxResults)
    {
        BraveResponse? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(json, BraveJsonContext.Default.BraveResponse);
        }
        catch (JsonException ex)
        {
            throw new WebSearchException($"Brave Search's answer is not valid JSON: {ex.Message}", ex);
        }
        if (parsed is null)
        {
            throw new WebSearchException("Brave Search's answer is empty.");
        }
        var results = new List<WebSearchResult>();
        foreach (var r in parsed.Web?.Results ?? [])
        {
            if (r.Url is null || !Uri.TryCreate(r.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                continue;
            }
            results.Add(new WebSearchResult(StripTags(r.Title ?? uri.Host), uri.AbsoluteUri, StripTags(r.Description ?? "")));
            if (results.Count >= maxResults)
            {
                break;
            }
        }
        return results;
    }

    private static string StripTags(string text) =>
        string.Join(' ', (new AngleSharp.Html.Parser.HtmlParser().ParseDocument("<body>" + text + "</body>").Body?.TextContent ?? "")
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _http.Dispose();
        }
    }
}

internal sealed record BraveResponse([property: JsonPropertyName("web")] BraveWeb? Web);

internal sealed record BraveWeb([property: JsonPropertyName("results")] IReadOnlyList<BraveResult>? Results);

internal sealed record BraveResult(
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("description")] string? Description);

[JsonSerializable(typeof(BraveResponse))]
internal sealed partial class BraveJsonContext : JsonSerializerContext;
