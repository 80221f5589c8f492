using System.Text.Json.Serialization;

namespace CodeForge.Core.Web;

/// <summary>The result of fetching a URL, as the web tools see it and as <see cref="WebCache"/> stores it.</summary>
/// <param name="Url">The URL that was requested.</param>
/// <param name="FinalUrl">The URL the content came from, after redirects.</param>
/// <param name="StatusCode">The HTTP status code.</param>
/// <param name="ContentType">The Content-Type header (for example <c>text/html; charset=utf-8</c>), or empty.</param>
/// <param name="Content">The body, decoded to text.</param>
/// <param name="Headers">The response headers.</param>
/// <param name="Encoding">The character encoding the body was decoded with.</param>
/// <param name="FetchedAt">When the response was received.</param>
/// <param name="FromCache">Whether this instance was returned by a cache rather than fetched.</param>
/// <remarks>
/// An immutable record; safe to share between threads as long as <paramref name="Headers"/> is not mutated. Instances
/// returned by <see cref="WebCache"/> carry a private read-only copy of the headers.
/// </remarks>
public sealed record FetchResponse(
    string Url,
    string FinalUrl,
    int StatusCode,
    string ContentType,
    string Content,
    IReadOnlyDictionary<string, string> Headers,
    string Encoding,
    DateTimeOffset FetchedAt,
    [property: JsonIgnore] bool FromCache = false)
{
    /// <summary>Whether the content is an HTML document (<c>text/html</c> or <c>application/xhtml+xml</c>).</summary>
    [JsonIgnore]
    public bool IsHtml =>
        ContentType.Contains("text/html", StringComparison.OrdinalIgnoreCase) ||
        ContentType.Contains("application/xhtml", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the content is text a model can read: any <c>text/*</c> type, JSON, XML or JavaScript.</summary>
    [JsonIgnore]
    public bool IsText =>
        ContentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase) ||
        ContentType.Contains("json", StringComparison.OrdinalIgnoreCase) ||
        ContentType.Contains("xml", StringComparison.OrdinalIgnoreCase) ||
        ContentType.Contains("javascript", StringComparison.OrdinalIgnoreCase);
}
