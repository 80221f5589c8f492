using System.Collections.Immutable;
using CodeForge.Core.Web;

namespace CodeForge.Core.Tools.Web;

/// <summary>Factory of the web tools.</summary>
public static class WebTools
{
    /// <summary>
    /// WebFetch and WebSearch over one <see cref="WebFetcher"/> (with <paramref name="cache"/> in front) and the search
    /// provider of <paramref name="options"/> (or the one the environment selects, see <see cref="WebSearchProviders"/>).
    /// The fetcher lives as long as the process (its connection pool is shared by every call).
    /// </summary>
    public static ImmutableArray<ITool> Create(WebCache? cache, WebToolOptions? options = null, Func<string, string?>? environment = null, TimeProvider? timeProvider = null)
    {
        options ??= WebToolOptions.Default;
        var fetcher = new WebFetcher(cache, options, timeProvider);
        var provider = options.SearchProvider ?? WebSearchProviders.FromEnvironment(environment ?? Environment.GetEnvironmentVariable);
        return [new WebFetchTool(fetcher), new WebSearchTool(provider, timeProvider)];
    }
}
