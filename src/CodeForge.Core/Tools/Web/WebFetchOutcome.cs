using CodeForge.Core.Web;

namespace CodeForge.Core.Tools.Web;

/// <summary>How a fetch ended.</summary>
public enum WebFetchStatus
{
    /// <summary>A page was fetched (or found in the cache): <see cref="WebFetchOutcome.Response"/>.</summary>
    Fetched,

    /// <summary>The server redirected to another host, which is reported instead of followed: <see cref="WebFetchOutcome.RedirectUrl"/>.</summary>
    CrossHostRedirect,

    /// <summary>The fetch failed or was refused: <see cref="WebFetchOutcome.Error"/>.</summary>
    Failed,
}

/// <summary>The result of <see cref="WebFetcher.FetchAsync"/>.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Url">The URL requested (after an http→https upgrade).</param>
/// <param name="Response">The page, its content already converted (Markdown for HTML), when <see cref="WebFetchStatus.Fetched"/>.</param>
/// <param name="RedirectUrl">Where the server pointed, when <see cref="WebFetchStatus.CrossHostRedirect"/>.</param>
/// <param name="RedirectStatus">The redirect's HTTP status, when <see cref="WebFetchStatus.CrossHostRedirect"/>.</param>
/// <param name="Error">What went wrong, in words for the model, when <see cref="WebFetchStatus.Failed"/>.</param>
/// <remarks>An immutable record; safe to share between the callers of one single-flight fetch.</remarks>
public sealed record WebFetchOutcome(
    WebFetchStatus Status,
    string Url,
    FetchResponse? Response = null,
    string? RedirectUrl = null,
    int RedirectStatus = 0,
    string? Error = null)
{
    internal static WebFetchOutcome Fail(string url, string error) => new(WebFetchStatus.Failed, url, Error: error);
}

/// <summary>A connection was refused by the <see cref="NetworkPolicy"/> (thrown from the connect callback).</summary>
public sealed class WebAccessDeniedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebAccessDeniedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public WebAccessDeniedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public WebAccessDeniedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
