using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CodeForge.Providers.Http;
using CodeForge.Providers.OpenAIChat;
using CodeForge.Testing;
using Microsoft.Extensions.AI;
using OllamaSharp;
using static CodeForge.Providers.Tests.TestChatClient;

namespace CodeForge.Providers.Tests;

public sealed class ErrorMappingChatClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ProviderConfig Config(ProviderKind kind = ProviderKind.Anthropic, string? key = "k") => kind switch
    {
        ProviderKind.Ollama => new ProviderConfig
        {
            Kind = kind, Model = "qwen3:8b", BaseUrl = new Uri("http://localhost:11434"), BaseUrlVariable = "OLLAMA_HOST", DisplayName = "Ollama",
        },
        ProviderKind.OpenAICompatible => new ProviderConfig
        {
            Kind = kind, Model = "local", BaseUrl = new Uri("http://localhost:8000/v1"), BaseUrlVariable = "OPENAI_BASE_URL",
            ApiKey = key, ApiKeyVariable = "OPENAI_API_KEY", DisplayName = "the OpenAI-compatible server at localhost:8000",
        },
        _ => new ProviderConfig
        {
            Kind = kind, Model = "claude-sonnet-4-6", BaseUrl = new Uri("https://api.anthropic.com"), BaseUrlVariable = "ANTHROPIC_BASE_URL",
            ApiKey = key, ApiKeyVariable = "ANTHROPIC_API_KEY", DisplayName = "Anthropic", ModelInfo = ModelCatalog.Find("claude-sonnet-4-6"),
        },
    };

    private static ProviderException? Map(Exception error, ProviderConfig? config = null, TimeProvider? time = null)
    {
        using var client = new ErrorMappingChatClient(new TestChatClient(), config ?? Config(), time);
        var mapped = client.Map(error, CancellationToken.None);
        if (mapped is not null)
        {
            Assert.DoesNotContain('\n', mapped.Message);
            Assert.Same(error, mapped.InnerException);
        }
        return mapped;
    }

    private static ProviderHttpException Http(int status, string body, string? retryAfter = null, string? retryAfterMs = null) =>
        new((HttpStatusCode)status, "reason", body, retryAfter, retryAfterMs);

    [Theory]
    [InlineData(401, """{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}""", ProviderErrorKind.AuthenticationFailed, false, "Anthropic rejected the API key (HTTP 401 authentication_error: invalid x-api-key): check ANTHROPIC_API_KEY.")]
    [InlineData(403, """{"type":"error","error":{"type":"permission_error","message":"no access"}}""", ProviderErrorKind.AuthenticationFailed, false, "Anthropic refused access (HTTP 403 permission_error: no access): check that the key in ANTHROPIC_API_KEY may use model 'claude-sonnet-4-6'.")]
    [InlineData(404, """{"type":"error","error":{"type":"not_found_error","message":"model: claude-sonnet-4-6"}}""", ProviderErrorKind.ModelNotFound, false, "Anthropic has no model 'claude-sonnet-4-6' (HTTP 404 not_found_error: model: claude-sonnet-4-6): choose another with --model or FORGE_MODEL.")]
    [InlineData(404, "<html>Not Found</html>", ProviderErrorKind.BadRequest, false, "Anthropic answered 404 Not Found at https://api.anthropic.com/ (HTTP 404: <html>Not Found</html>): check ANTHROPIC_BASE_URL (OpenAI-style servers usually end in /v1) and the model 'claude-sonnet-4-6'.")]
    [InlineData(400, """{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 215000 tokens > 200000 maximum"}}""", ProviderErrorKind.ContextTooLong, false, "The conversation is too long for 'claude-sonnet-4-6' (1,000,000-token context window) (HTTP 400 invalid_request_error: prompt is too long: 215000 tokens > 200000 maximum): run /compact or start a new session.")]
    [InlineData(400, """{"error":{"message":"This model's maximum context length is 128000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}""", ProviderErrorKind.ContextTooLong, false, "(HTTP 400 context_length_exceeded: This model's maximum context length is 128000 tokens.)")]
    [InlineData(413, """{"type":"error","error":{"type":"request_too_large","message":"Request exceeds the maximum allowed number of bytes."}}""", ProviderErrorKind.ContextTooLong, false, "run /compact")]
    [InlineData(400, """{"type":"error","error":{"type":"invalid_request_error","message":"messages: roles must alternate"}}""", ProviderErrorKind.BadRequest, false, "Anthropic rejected the request (HTTP 400 invalid_request_error: messages: roles must alternate).")]
    [InlineData(429, """{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}""", ProviderErrorKind.RateLimited, true, "Anthropic rate limit reached (HTTP 429 rate_limit_error: slow down): wait a minute and try again.")]
    [InlineData(429, """{"error":{"message":"You exceeded your current quota.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""", ProviderErrorKind.RateLimited, false, "reports no quota left for this key (HTTP 429 insufficient_quota: You exceeded your current quota.): check the plan and billing of the account behind ANTHROPIC_API_KEY.")]
    [InlineData(500, """{"type":"error","error":{"type":"api_error","message":"Internal server error"}}""", ProviderErrorKind.ServerUnavailable, true, "Anthropic is unavailable (HTTP 500 api_error: Internal server error): try again in a few minutes.")]
    [InlineData(529, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", ProviderErrorKind.ServerUnavailable, true, "(HTTP 529 overloaded_error: Overloaded)")]
    [InlineData(503, "", ProviderErrorKind.ServerUnavailable, true, "Anthropic is unavailable (HTTP 503): try again in a few minutes.")]
    [InlineData(408, "", ProviderErrorKind.Network, true, "timed out")]
    [InlineData(422, """{"detail":"bad"}""", ProviderErrorKind.BadRequest, false, "(HTTP 422: {\"detail\":\"bad\"})")]
    public void Map_HttpErrors_GiveTheKindAndAnActionableMessage(int status, string body, ProviderErrorKind kind, bool transient, string message)
    {
        var mapped = Map(Http(status, body));

        Assert.NotNull(mapped);
        Assert.Equal((kind, transient, status), (mapped.Kind, mapped.IsTransient, mapped.StatusCode));
        Assert.Contains(message, mapped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_Unauthorized_WhenNoKeyWasGiven_SaysToSetOne()
    {
        var mapped = Map(Http(401, """{"error":{"message":"missing key","type":"invalid_request_error","code":"invalid_api_key"}}"""), Config(ProviderKind.OpenAICompatible, key: null));

        Assert.Equal(
            "the OpenAI-compatible server at localhost:8000 requires an API key (HTTP 401 invalid_api_key: missing key): set OPENAI_API_KEY.",
            mapped?.Message);
    }

    [Fact]
    public void Map_OllamaNotFound_SaysToPullTheModel()
    {
        var mapped = Map(Http(404, """{"error":"model \"qwen3:8b\" not found, try pulling it first"}"""), Config(ProviderKind.Ollama));

        Assert.Equal(ProviderErrorKind.ModelNotFound, mapped?.Kind);
        Assert.Equal(
            "Ollama has no model 'qwen3:8b' (HTTP 404: model \"qwen3:8b\" not found, try pulling it first): run `ollama pull qwen3:8b`, or choose another with --model or FORGE_MODEL.",
            mapped?.Message);
    }

    [Theory]
    [InlineData("3", null, 3_000)]
    [InlineData("1.5", null, 1_500)]
    [InlineData("3", "250", 250)]
    [InlineData(null, "1200", 1_200)]
    [InlineData("Sun, 01 Mar 2026 12:00:09 GMT", null, 9_000)]
    [InlineData("Sun, 01 Mar 2026 11:00:00 GMT", null, 0)]
    public void Map_RetryAfterHeaders_InSecondsMillisecondsOrAsADate(string? retryAfter, string? retryAfterMs, int expectedMs)
    {
        var time = new ObservedTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

        var mapped = Map(Http(429, "", retryAfter, retryAfterMs), time: time);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), mapped?.RetryAfter);
    }

    [Fact]
    public void Map_RateLimitWithRetryAfter_SaysHowLongTheServerAskedToWait()
    {
        var mapped = Map(Http(429, "", retryAfter: "20"));

        Assert.EndsWith("wait a minute and try again (the server asked to wait 20s).", mapped?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_ErrorsWrappedBySdks_AreFoundInTheChain()
    {
        var wrapped = new InvalidOperationException("sdk", new AggregateException(Http(401, "")));

        Assert.Equal(ProviderErrorKind.AuthenticationFailed, Map(wrapped)?.Kind);
    }

    [Fact]
    public void Map_RawStatusWithoutBody_StillMaps()
    {
        Assert.Equal(ProviderErrorKind.RateLimited, Map(new HttpRequestException("x", null, HttpStatusCode.TooManyRequests))?.Kind);
    }

    [Theory]
    [InlineData(ProviderKind.Ollama, "Cannot reach Ollama at http://localhost:11434/ (Connection refused): start it with `ollama serve`, or set OLLAMA_HOST to where it runs.")]
    [InlineData(ProviderKind.Anthropic, "Cannot reach Anthropic at https://api.anthropic.com/ (Connection refused): check the network connection and ANTHROPIC_BASE_URL.")]
    public void Map_ConnectFailure_SaysWhereItLookedAndWhatToSet(ProviderKind kind, string message)
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused, "Connection refused"));

        var mapped = Map(refused, Config(kind));

        Assert.Equal((ProviderErrorKind.Network, true), (mapped?.Kind, mapped?.IsTransient));
        Assert.Equal(message, mapped?.Message);
    }

    [Fact]
    public void Map_ConnectionDroppedMidResponse_IsATransientNetworkError()
    {
        var mapped = Map(new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely."));

        Assert.Equal((ProviderErrorKind.Network, true), (mapped?.Kind, mapped?.IsTransient));
        Assert.StartsWith("The connection to Anthropic dropped mid-response (The response ended prematurely.", mapped?.Message, StringComparison.Ordinal);
        Assert.EndsWith("): try again.", mapped?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_Timeout_IsATransientNetworkError()
    {
        var mapped = Map(new TaskCanceledException("timed out", new TimeoutException("The request timed out after 600 seconds.")));

        Assert.Equal((ProviderErrorKind.Network, true), (mapped?.Kind, mapped?.IsTransient));
        Assert.StartsWith("Anthropic did not answer in time (The request timed out after 600 seconds.)", mapped?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_UnreadableResponse_IsInvalidResponseNamingTheUrlVariable()
    {
        var mapped = Map(new JsonException("'<' is an invalid start of a value."));

        Assert.Equal(ProviderErrorKind.InvalidResponse, mapped?.Kind);
        Assert.Contains("check that ANTHROPIC_BASE_URL points at an Anthropic Messages API server", mapped?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_LongMultilineServerMessages_BecomeOneShortLine()
    {
        var body = """{"error":{"message":"line one\nline two\r\n""" + new string('x', 1000) + "\",\"type\":\"invalid_request_error\"}}";

        var mapped = Map(Http(400, body));

        Assert.Contains("line one line two", mapped?.Message, StringComparison.Ordinal);
        Assert.True(mapped?.Message.Length < 500);
    }

    [Fact]
    public void Map_UnknownErrorsAndProviderErrors_PassThrough()
    {
        Assert.Null(Map(new InvalidOperationException("a bug")));
        Assert.Null(Map(Permanent()));
    }

    [Fact]
    public async Task GetResponse_CancelledByTheCaller_PassesThroughUnchanged()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var inner = new TestChatClient { Response = (_, _, _, ct) => Task.FromCanceled<ChatResponse>(ct) };
        using var client = new ErrorMappingChatClient(inner, Config());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync("hi", cancellationToken: cts.Token));
    }

    [Fact]
    public async Task GetResponse_MapsTheInnerFailure()
    {
        var inner = new TestChatClient { Response = (_, _, _, _) => throw Http(529, "") };
        using var client = new ErrorMappingChatClient(inner, Config());

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(ProviderErrorKind.ServerUnavailable, error.Kind);
    }

    [Fact]
    public async Task Stream_FailureIsMapped_AfterTheUpdatesBeforeIt()
    {
        var inner = new TestChatClient { Stream = (_, _, _, ct) => Updates([Text("a")], new IOException("reset"), ct) };
        using var client = new ErrorMappingChatClient(inner, Config());
        var seen = new List<string>();

        var error = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi", null, Ct))
            {
                seen.Add(update.Text);
            }
        });

        Assert.Equal(["a"], seen);
        Assert.Equal(ProviderErrorKind.Network, error.Kind);
    }

    [Fact]
    public async Task Stream_EndingWithoutAFinishReason_IsATransientServerError()
    {
        var inner = new TestChatClient { Stream = (_, _, _, ct) => Updates([Text("half")], cancellationToken: ct) };
        using var client = new ErrorMappingChatClient(inner, Config());

        var error = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync("hi", null, Ct))
            {
            }
        });

        Assert.Equal((ProviderErrorKind.ServerUnavailable, true), (error.Kind, error.IsTransient));
        Assert.Equal("Anthropic ended the response before the model finished (no finish reason in the stream): try again.", error.Message);
    }

    [Fact]
    public async Task Stream_WithAFinishReason_PassesEveryUpdateThrough()
    {
        var inner = new TestChatClient { Stream = (_, _, _, ct) => Updates([Text("a"), Text("b"), Finish(), Usage(1, 2)], cancellationToken: ct) };
        using var client = new ErrorMappingChatClient(inner, Config());
        var count = 0;

        await foreach (var _ in client.GetStreamingResponseAsync("hi", null, Ct))
        {
            count++;
        }

        Assert.Equal(4, count);
    }

    /// <summary>Vendor clients built without the factory (so without its HTTP capture handler): the mapper must read
    /// what each throws on its own (OllamaSharp's exceptions; the built-in OpenAI client's own error shape). (The
    /// built-in Anthropic client is covered through the factory in ChatClientFactoryTests.)</summary>
    private static IChatClient RawVendorClient(ProviderKind kind, FakeModelServer server, HttpClient http) => kind switch
    {
        ProviderKind.Ollama => new OllamaApiClient(new HttpClient { BaseAddress = new Uri(server.OllamaHost) }, "qwen3:8b"),
        _ => new OpenAIChatClient(http, new Uri(server.OpenAIBaseUrl), "k", "gpt-4o"),
    };

    public static TheoryData<ProviderKind, ScriptedTurn, ProviderErrorKind> RawSdkFailures() => new()
    {
        { ProviderKind.OpenAI, ScriptedTurn.Unauthorized(), ProviderErrorKind.AuthenticationFailed },
        { ProviderKind.OpenAI, ScriptedTurn.ContextLengthExceeded(), ProviderErrorKind.ContextTooLong },
        { ProviderKind.OpenAI, ScriptedTurn.ModelNotFound(), ProviderErrorKind.ModelNotFound },
        { ProviderKind.OpenAI, ScriptedTurn.DropConnection(), ProviderErrorKind.Network },
        { ProviderKind.Ollama, ScriptedTurn.ModelNotFound(), ProviderErrorKind.ModelNotFound },
        { ProviderKind.Ollama, ScriptedTurn.ContextLengthExceeded(), ProviderErrorKind.ContextTooLong },
        { ProviderKind.Ollama, ScriptedTurn.ServerError(), ProviderErrorKind.ServerUnavailable },
    };

    [Theory]
    [MemberData(nameof(RawSdkFailures))]
    public async Task Map_TheSdksOwnExceptions_AgainstTheRealWire(ProviderKind kind, ScriptedTurn turn, ProviderErrorKind expected)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(turn);
        using var http = new HttpClient();
        using var client = new ErrorMappingChatClient(RawVendorClient(kind, server, http), Config(kind));

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(expected, error.Kind);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task Map_TheOpenAIClientsOwnError_KeepsTheRetryAfterHeader()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.RateLimited(TimeSpan.FromSeconds(9)));
        using var http = new HttpClient();
        using var client = new ErrorMappingChatClient(RawVendorClient(ProviderKind.OpenAI, server, http), Config(ProviderKind.OpenAICompatible));

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal((ProviderErrorKind.RateLimited, TimeSpan.FromSeconds(9), "rate_limit_exceeded"), (error.Kind, error.RetryAfter, error.ErrorCode));
    }

    [Fact]
    public void ParseBody_ReadsEachVendorsShape()
    {
        Assert.Equal(("m", "t", "c"), ErrorMappingChatClient.ParseBody("""{"error":{"message":"m","type":"t","code":"c"}}"""));
        Assert.Equal(("m", "t", null), ErrorMappingChatClient.ParseBody("""{"type":"error","error":{"type":"t","message":"m"}}"""));
        Assert.Equal(("m", null, null), ErrorMappingChatClient.ParseBody("""{"error":"m"}"""));
        Assert.Equal(("plain text", null, null), ErrorMappingChatClient.ParseBody("plain text"));
        Assert.Equal((null, null, null), ErrorMappingChatClient.ParseBody(" "));
    }
}
