namespace CodeForge.Core.Tools.Web;

/// <summary>One search result.</summary>
/// <param name="Title">The page title.</param>
/// <param name="Url">The absolute http(s) URL of the page.</param>
/// <param name="Snippet">A short extract, plain text (may be empty).</param>
public sealed record WebSearchResult(string Title, string Url, string Snippet);

/// <summary>A web search engine.</summary>
/// <remarks>Implementations are shared by concurrent tool calls: <see cref="SearchAsync"/> must be safe to call concurrently.</remarks>
public interface IWebSearchProvider
{
    /// <summary>The provider's name, shown to the model (e.g. "DuckDuckGo").</summary>
    string Name { get; }

    /// <summary>Up to <paramref name="maxResults"/> results for <paramref name="query"/>, best first.</summary>
    /// <exception cref="WebSearchException">The engine answered with an error, a CAPTCHA or a page that cannot be read.</exception>
    Task<IReadOnlyList<WebSearchResult>> SearchAsync(string query, int maxResults, CancellationToken cancellationToken);
}

/// <summary>A search provider failed; the message says why in words for the model.</summary>
public sealed class WebSearchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebSearchException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public WebSearchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public WebSearchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
