using System.Collections.Immutable;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tools.Web;

/// <summary>Limits and network policy of the web tools (<see cref="WebFetchTool"/>, <see cref="WebSearchTool"/>).</summary>
/// <remarks>Immutable; read by the tools and the fetcher; safe to share between threads.</remarks>
public sealed record WebToolOptions
{
    /// <summary>The defaults: public internet only, 30 s per fetch, 10 MB download, 100,000 characters to the model.</summary>
    public static WebToolOptions Default { get; } = new();

    /// <summary>Whether loopback, private (RFC 1918, CGNAT, ULA), link-local and other non-public addresses may be reached.
    /// Cloud metadata addresses stay refused even then; only <see cref="AllowedHosts"/> can open one.</summary>
    public bool AllowPrivateNetwork { get; init; }

    /// <summary>Host names or IP literals (exact, case-insensitive) that may be reached whatever they resolve to, and
    /// that keep <c>http://</c> instead of being upgraded to <c>https://</c>.</summary>
    public ImmutableArray<string> AllowedHosts { get; init; } = [];

    /// <summary>How long one fetch (all redirect hops, headers and body) may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The most body bytes downloaded; the rest is cut off with a marker.</summary>
    public long MaxDownloadBytes { get; init; } = 10L * 1024 * 1024;

    /// <summary>The most characters of converted content handed to the model; the rest is cut off with a marker.</summary>
    public int MaxContentCharacters { get; init; } = 100_000;

    /// <summary>The most redirects followed for one fetch.</summary>
    public int MaxRedirects { get; init; } = 10;

    /// <summary>
    /// Whether a redirect to another host is followed (re-checked against the network policy) instead of being reported to
    /// the model. Claude Code reports it (the model then fetches the new URL itself, so a domain rule sees it); that is the
    /// default.
    /// </summary>
    public bool FollowCrossHostRedirects { get; init; }

    /// <summary>The User-Agent sent.</summary>
    public string UserAgent { get; init; } = "Mozilla/5.0 (compatible; CodeForge/1.0; +https://github.com/codeforge)";

    /// <summary>An optional small model that answers the WebFetch <c>prompt</c> over the page; without it the tool
    /// returns the page Markdown with the prompt restated for the calling model.</summary>
    public IChatClient? Summarizer { get; init; }

    /// <summary>The search provider; <see langword="null"/> means chosen from the environment (<see cref="WebSearchProviders.FromEnvironment"/>).</summary>
    public IWebSearchProvider? SearchProvider { get; init; }

    /// <summary>Checks the values, naming the first bad one.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "WebToolOptions.Timeout must be positive.");
        }
        if (MaxDownloadBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDownloadBytes), MaxDownloadBytes, "WebToolOptions.MaxDownloadBytes must be positive.");
        }
        if (MaxContentCharacters <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxContentCharacters), MaxContentCharacters, "WebToolOptions.MaxContentCharacters must be positive.");
        }
        if (MaxRedirects < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRedirects), MaxRedirects, "WebToolOptions.MaxRedirects must not be negative.");
        }
        if (AllowedHosts.IsDefault || AllowedHosts.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("WebToolOptions.AllowedHosts must not hold blank entries.", nameof(AllowedHosts));
        }
    }
}
