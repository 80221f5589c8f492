namespace CodeForge.Providers;

/// <summary>What went wrong talking to a model provider, in terms a user can act on.</summary>
public enum ProviderErrorKind
{
    /// <summary>The key was rejected (HTTP 401/403): fix the key variable.</summary>
    AuthenticationFailed,
    /// <summary>The server does not know the model (HTTP 404): choose another model (or pull it, for Ollama).</summary>
    ModelNotFound,
    /// <summary>The prompt does not fit the model's context window: compact or start over.</summary>
    ContextTooLong,
    /// <summary>HTTP 429: too many requests or tokens per minute (transient), or no quota left (not transient).</summary>
    RateLimited,
    /// <summary>HTTP 5xx, 529 overloaded, or a stream the server ended early: try again later.</summary>
    ServerUnavailable,
    /// <summary>The server could not be reached, the connection dropped, or it timed out.</summary>
    Network,
    /// <summary>The server rejected the request for another reason (HTTP 400/422, or 404 for a wrong URL).</summary>
    BadRequest,
    /// <summary>The server answered with something the client could not read.</summary>
    InvalidResponse,
}

/// <summary>
/// A failed model call, mapped from whatever the vendor SDK threw. <see cref="Exception.Message"/> is one line that
/// names the provider, what happened and what to do (naming the variable to set where one applies).
/// </summary>
/// <remarks>Immutable. The original exception is <see cref="Exception.InnerException"/>.</remarks>
public sealed class ProviderException : Exception
{
    public ProviderException()
    {
    }

    public ProviderException(string message) : base(message)
    {
    }

    public ProviderException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates a mapped provider error.</summary>
    public ProviderException(
        ProviderErrorKind kind, string message, bool isTransient, int? statusCode = null, TimeSpan? retryAfter = null,
        string? errorCode = null, Exception? innerException = null, int attempts = 1)
        : base(message, innerException)
    {
        Kind = kind;
        IsTransient = isTransient;
        StatusCode = statusCode;
        RetryAfter = retryAfter;
        ErrorCode = errorCode;
        Attempts = attempts;
    }

    /// <summary>What went wrong.</summary>
    public ProviderErrorKind Kind { get; } = ProviderErrorKind.BadRequest;

    /// <summary>Whether trying again later may succeed (rate limits, server and network errors).</summary>
    public bool IsTransient { get; }

    /// <summary>The HTTP status, if the server answered.</summary>
    public int? StatusCode { get; }

    /// <summary>How long the server asked the client to wait (<c>Retry-After</c>/<c>retry-after-ms</c>), if it did.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The vendor's error type or code (<c>rate_limit_error</c>, <c>context_length_exceeded</c>…), if any.</summary>
    public string? ErrorCode { get; }

    /// <summary>How many attempts were made before giving up (1 when nothing was retried).</summary>
    public int Attempts { get; } = 1;

    /// <summary>This error after <paramref name="attempts"/> attempts: same kind and details, the message says how
    /// many attempts were made.</summary>
    public ProviderException AfterAttempts(int attempts) => attempts <= 1
        ? this
        : new ProviderException(Kind, $"{Message.TrimEnd('.')} (gave up after {attempts} attempts).", IsTransient,
            StatusCode, RetryAfter, ErrorCode, InnerException, attempts);
}
