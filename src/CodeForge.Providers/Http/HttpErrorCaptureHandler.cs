using System.Net;
using System.Text;

namespace CodeForge.Providers.Http;

/// <summary>
/// An HTTP error response as seen on the wire: status, the error body and the retry headers. Thrown by
/// <see cref="HttpErrorCaptureHandler"/> in place of the response, so it reaches <see cref="ErrorMappingChatClient"/>
/// (wrapped or not) the same way from every vendor SDK.
/// </summary>
internal sealed class ProviderHttpException : HttpRequestException
{
    public ProviderHttpException(HttpStatusCode status, string? reason, string body, string? retryAfter, string? retryAfterMs)
        : base($"HTTP {(int)status} {reason}", null, status)
    {
        Body = body;
        RetryAfterHeader = retryAfter;
        RetryAfterMsHeader = retryAfterMs;
    }

    /// <summary>The response body (at most <see cref="HttpErrorCaptureHandler.MaxBodyChars"/> characters).</summary>
    public string Body { get; }

    /// <summary>The <c>Retry-After</c> header: seconds or an HTTP date.</summary>
    public string? RetryAfterHeader { get; }

    /// <summary>OpenAI's <c>retry-after-ms</c> header.</summary>
    public string? RetryAfterMsHeader { get; }
}

/// <summary>
/// Sits between the vendor SDK and the transport. A response with a non-success status is read (its body capped),
/// disposed and replaced by a <see cref="ProviderHttpException"/>; successful responses pass through untouched.
/// </summary>
/// <remarks>This is how <c>Retry-After</c> reaches the retry policy for every vendor: the Anthropic SDK's exceptions do
/// not carry response headers. It also turns the SDKs' three exception families into one. Stateless; thread-safe.</remarks>
internal sealed class HttpErrorCaptureHandler : DelegatingHandler
{
    public const int MaxBodyChars = 16_384;

    public HttpErrorCaptureHandler(HttpMessageHandler innerHandler) : base(innerHandler)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        throw await ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads an error response (its body capped), disposes it and returns the <see cref="ProviderHttpException"/>
    /// that stands for it. The built-in clients call it themselves, so they report the same shape without this handler
    /// under them.</summary>
    internal static async Task<ProviderHttpException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            var body = await ReadCappedAsync(response.Content, cancellationToken).ConfigureAwait(false);
            return new ProviderHttpException(
                response.StatusCode,
                response.ReasonPhrase,
                body,
                response.Headers.TryGetValues("Retry-After", out var ra) ? ra.FirstOrDefault() : null,
                response.Headers.TryGetValues("retry-after-ms", out var ms) ? ms.FirstOrDefault() : null);
        }
    }

    private static async Task<string> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var reader = new StreamReader(stream, Encoding.UTF8);
                var buffer = new char[MaxBodyChars];
                var total = 0;
                int read;
                while (total < buffer.Length && (read = await reader.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                }
                return new string(buffer, 0, total);
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return ""; // the status alone still says what happened
        }
    }
}
