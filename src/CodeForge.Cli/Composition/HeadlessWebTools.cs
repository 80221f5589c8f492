using System.Collections.Immutable;
using CodeForge.Core.Config;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.Web;
using CodeForge.Core.Web;
using CodeForge.Core.Paths;

namespace CodeForge.Cli.Composition;

/// <summary>The web tools of a <c>forge</c> run: a WebCache with its disk tier under <c>~/.forge/cache/web</c> and the
/// <c>webFetch</c> settings.</summary>
internal static class HeadlessWebTools
{
    public static ImmutableArray<ITool> Create(Settings settings, string home, Func<string, string?> environment, DiagnosticLog diagnostics)
    {
        WebCache cache;
        try
        {
            cache = new WebCache(new WebCacheOptions { Directory = ForgeFiles.InUserDirectory(home, "cache", "web") });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Warning($"the web cache directory cannot be used ({ex.Message}); caching in memory only");
            cache = new WebCache();
        }
        var options = new WebToolOptions
        {
            AllowPrivateNetwork = settings.WebFetch.AllowPrivateNetwork ?? false,
            AllowedHosts = settings.WebFetch.AllowedHosts,
        };
        try
        {
            return WebTools.Create(cache, options, environment);
        }
        catch (InvalidOperationException ex)
        {
            diagnostics.Warning($"{ex.Message}; WebSearch uses DuckDuckGo");
            return WebTools.Create(cache, options with { SearchProvider = new DuckDuckGoSearchProvider() }, environment);
        }
    }
}
