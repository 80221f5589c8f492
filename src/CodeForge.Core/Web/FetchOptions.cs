namespace CodeForge.Core.Web;

/// <summary>
/// How a URL is fetched. Every property changes what the server returns or what the fetcher makes of it, so every
/// property is part of the cache key (<see cref="WebCacheKey.Generate"/>): two fetches with different options never share
/// a cache entry.
/// </summary>
/// <remarks>
/// Immutable; safe to share between threads. A property added here must also be added to the canonical form in
/// <see cref="WebCacheKey"/> (a unit test fails until it is).
/// </remarks>
public sealed record FetchOptions
{
    /// <summary>The default options; <see cref="WebCacheKey.Generate"/> treats <see langword="null"/> options as these.</summary>
    public static FetchOptions Default { get; } = new();

    /// <summary>The form the content is returned in.</summary>
    public FetchFormat Format { get; init; } = FetchFormat.Markdown;

    /// <summary>The largest body, in bytes, the fetcher reads; a larger body is truncated.</summary>
    public long MaxBytes { get; init; } = 5 * 1024 * 1024;

    /// <summary>Whether redirects are followed (otherwise the 3xx response itself is the result).</summary>
    public bool FollowRedirects { get; init; } = true;

    /// <summary>The User-Agent sent, or <see langword="null"/> for the fetcher's own.</summary>
    public string? UserAgent { get; init; }

    /// <summary>
    /// Request headers that can change the response (Accept, Accept-Language, …). Names compare case-insensitively in the
    /// key; their order does not matter.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}
