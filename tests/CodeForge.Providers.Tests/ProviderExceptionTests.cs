namespace CodeForge.Providers.Tests;

public sealed class ProviderExceptionTests
{
    [Fact]
    public void AfterAttempts_KeepsEveryDetailAndSaysHowManyAttemptsWereMade()
    {
        var inner = new IOException("reset");
        var error = new ProviderException(ProviderErrorKind.RateLimited, "Anthropic rate limit reached (HTTP 429): wait a minute and try again.",
            isTransient: true, statusCode: 429, retryAfter: TimeSpan.FromSeconds(3), errorCode: "rate_limit_error", innerException: inner);

        var final = error.AfterAttempts(4);

        Assert.Equal("Anthropic rate limit reached (HTTP 429): wait a minute and try again (gave up after 4 attempts).", final.Message);
        Assert.Equal((ProviderErrorKind.RateLimited, true, 429, TimeSpan.FromSeconds(3), "rate_limit_error", 4),
            (final.Kind, final.IsTransient, final.StatusCode, final.RetryAfter, final.ErrorCode, final.Attempts));
        Assert.Same(inner, final.InnerException);
    }

    [Fact]
    public void AfterOneAttempt_IsTheSameException()
    {
        var error = new ProviderException(ProviderErrorKind.BadRequest, "x", isTransient: false);

        Assert.Same(error, error.AfterAttempts(1));
        Assert.Equal(1, error.Attempts);
    }
}
