namespace CodeForge.Core.Tools.Web;

/// <summary>Chooses the search provider.</summary>
public static class WebSearchProviders
{
    /// <summary>
    /// Brave when <c>BRAVE_API_KEY</c> or <c>BRAVE_SEARCH_API_KEY</c> is set (in that order), otherwise DuckDuckGo.
    /// <c>FORGE_WEBSEARCH_PROVIDER</c> = <c>duckduckgo</c> or <c>brave</c> forces one; the base URLs can be overridden with
    /// <c>FORGE_DUCKDUCKGO_URL</c> / <c>FORGE_BRAVE_SEARCH_URL</c> (tests point them at a local server).
    /// </summary>
    /// <param name="environment">Reads an environment variable (null when unset).</param>
    /// <exception cref="InvalidOperationException">Brave is forced without a key, or an override is not an absolute URL.</exception>
    public static IWebSearchProvider FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var key = NonBlank(environment("BRAVE_API_KEY")) ?? NonBlank(environment("BRAVE_SEARCH_API_KEY"));
        var forced = NonBlank(environment("FORGE_WEBSEARCH_PROVIDER"))?.ToLowerInvariant();
        var useBrave = forced switch
        {
            null => key is not null,
            "brave" => key is not null ? true : throw new InvalidOperationException("FORGE_WEBSEARCH_PROVIDER is brave, but neither BRAVE_API_KEY nor BRAVE_SEARCH_API_KEY is set."),
            "duckduckgo" => false,
            _ => throw new InvalidOperationException($"FORGE_WEBSEARCH_PROVIDER is '{forced}'; expected duckduckgo or brave."),
        };
        return useBrave
            ? new BraveSearchProvider(key!, BaseUrl(environment, "FORGE_BRAVE_SEARCH_URL"))
            : new DuckDuckGoSearchProvider(BaseUrl(environment, "FORGE_DUCKDUCKGO_URL"));
    }

    private static string? NonBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static Uri? BaseUrl(Func<string, string?> environment, string name)
    {
        var value = NonBlank(environment(name));
        if (value is null)
        {
            return null;
        }
        if (!Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"{name} is '{value}', which is not an absolute http(s) URL.");
        }
        return uri;
    }
}
