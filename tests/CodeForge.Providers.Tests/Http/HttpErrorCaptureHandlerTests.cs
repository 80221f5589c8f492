using System.Net;
using CodeForge.Providers.Http;

namespace CodeForge.Providers.Tests.Http;

public sealed class HttpErrorCaptureHandlerTests
{
    private sealed class Responder(Func<HttpResponseMessage> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(respond());
    }

    private static HttpMessageInvoker Invoker(Func<HttpResponseMessage> respond) =>
        new(new HttpErrorCaptureHandler(new Responder(respond)));

    private static HttpRequestMessage Request() => new(HttpMethod.Post, "http://localhost/v1/messages");

    [Fact]
    public async Task Success_PassesThroughUntouched()
    {
        using var expected = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") };
        using var invoker = Invoker(() => expected);

        using var response = await invoker.SendAsync(Request(), TestContext.Current.CancellationToken);

        Assert.Same(expected, response);
    }

    [Fact]
    public async Task ErrorStatus_BecomesAnExceptionWithStatusBodyAndRetryHeaders()
    {
        using var invoker = Invoker(() =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent("""{"error":"slow down"}""") };
            response.Headers.Add("Retry-After", "7");
            response.Headers.Add("retry-after-ms", "6500");
            return response;
        });

        var error = await Assert.ThrowsAsync<ProviderHttpException>(() => invoker.SendAsync(Request(), TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal("""{"error":"slow down"}""", error.Body);
        Assert.Equal(("7", "6500"), (error.RetryAfterHeader, error.RetryAfterMsHeader));
    }

    [Fact]
    public async Task HugeErrorBody_IsCapped()
    {
        using var invoker = Invoker(() => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent(new string('x', 100_000)) });

        var error = await Assert.ThrowsAsync<ProviderHttpException>(() => invoker.SendAsync(Request(), TestContext.Current.CancellationToken));

        Assert.Equal(HttpErrorCaptureHandler.MaxBodyChars, error.Body.Length);
        Assert.Null(error.RetryAfterHeader);
    }
}
