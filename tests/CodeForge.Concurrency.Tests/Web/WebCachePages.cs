using CodeForge.Core.Web;

namespace CodeForge.Concurrency.Tests.Web;

/// <summary>Responses and temp directories for the web cache's concurrency tests.</summary>
internal static class WebCachePages
{
    public static readonly DateTimeOffset FetchedAt = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A response as the seed tests build it: status 200, text/html, no headers, utf-8.</summary>
    public static FetchResponse Page(string url, string content) =>
        new(url, url, 200, "text/html", content, new Dictionary<string, string>(), "utf-8", FetchedAt);

    /// <summary>A fresh directory under the temp directory; delete it with <see cref="DeleteDirectory"/>.</summary>
    public static string NewDirectory() =>
        Path.Combine(Path.GetTempPath(), "codeforge-webcache-concurrency", Guid.NewGuid().ToString("N"), "cache");

    public static void DeleteDirectory(string directory)
    {
        var parent = Path.GetDirectoryName(directory)!;
        if (Directory.Exists(parent))
        {
            Directory.Delete(parent, recursive: true);
        }
    }
}
