using System.Text.Json;
using CodeForge.Providers.Http;
using CodeForge.Providers.OpenAIChat;
using CodeForge.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers.Tests.OpenAIChat;

/// <summary>OpenAI Chat Completions through the built-in client, against the fake server's real wire: streamed text and
/// tool calls, usage with cached and reasoning tokens, the prompt cache key and the reasoning effort, errors,
/// cancellation and malformed streams; and as the factory builds it (cached tokens priced).</summary>
public sealed class OpenAIChatClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IChatClient Create(ProviderConfig config, UsageTracker? tracker = null, string? cacheKey = "session-1", ReasoningConfig? reasoning = null) =>
        ChatClientFactory.Create(config, new ChatClientFactoryOptions
        {
            Retry = Vendors.FastRetry(),
            UsageTracker = tracker,
            PromptCacheKey = cacheKey,
            Reasoning = reasoning,
        });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OpenAIRequests_CarryThePromptCacheKey_AndCachedTokensArePricedAtTheCachedRate(bool streaming)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok", new ScriptedUsage(10_000, 100, CachedInputTokens: 9_000)));
        var tracker = new UsageTracker();
        using var client = Create(Vendors.ConfigFor(ProviderKind.OpenAI, server, "gpt-5.4"), tracker);

        if (streaming)
        {
            await client.GetStreamingResponseAsync("hi", null, Ct).ToChatResponseAsync(Ct);
        }
        else
        {
            await client.GetResponseAsync("hi", null, Ct);
        }

        Assert.Equal("session-1", server.Requests[0].Json.GetProperty("prompt_cache_key").GetString());
        Assert.Equal(9_000, tracker.Snapshot.CachedInputTokens);
        // gpt-5.4: $2.50 input, $0.25 cached, $15 output per million.
        Assert.Equal((1_000 * 2.50m + 9_000 * 0.25m + 100 * 15m) / 1_000_000m, tracker.Snapshot.Cost);
    }

    [Fact]
    public async Task ARequestsOwnCacheKey_WinsOverTheClients()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"));
        using var client = Create(Vendors.ConfigFor(ProviderKind.OpenAI, server, "gpt-5.4"));
        var options = new ChatOptions { AdditionalProperties = new() { [ChatClientFactory.PromptCacheKeyProperty] = "session-2" } };

        await client.GetResponseAsync("hi", options, Ct);

        Assert.Equal("session-2", server.Requests[0].Json.GetProperty("prompt_cache_key").GetString());
        Assert.DoesNotContain(ChatClientFactory.PromptCacheKeyProperty, server.Requests[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompatibleServers_GetNoPromptCacheKey()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"));
        using var client = Create(Vendors.ConfigFor(ProviderKind.OpenAICompatible, server));

        await client.GetResponseAsync("hi", null, Ct);

        Assert.False(server.Requests[0].Json.TryGetProperty("prompt_cache_key", out _));
    }

    [Theory]
    [InlineData("gpt-5.4", "high", true)]
    [InlineData("o4-mini", "high", true)]
    [InlineData("gpt-4.1", null, false)]
    public async Task ReasoningModels_GetTheConfiguredEffort(string model, string? expected, bool reasoningModel)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"));
        // Chat Completions forced: by default these models go through the Responses API (see OpenAIResponsesClientTests).
        using var client = Create(Vendors.ConfigFor(ProviderKind.OpenAI, server, model) with { OpenAIApi = OpenAIApi.ChatCompletions },
            reasoning: new ReasoningConfig { Effort = ReasoningEffort.High });

        await client.GetResponseAsync("hi", null, Ct);

        Assert.Equal(ModelProtocol.OpenAI, server.Requests[0].Protocol);
        Assert.Equal(reasoningModel, OpenAIChatClient.IsReasoningModel(model));
        Assert.Equal(expected, server.Requests[0].Json.TryGetProperty("reasoning_effort", out var effort) ? effort.GetString() : null);
    }

    [Theory]
    [InlineData(2_000, ReasoningEffort.Low)]
    [InlineData(10_000, ReasoningEffort.Medium)]
    [InlineData(32_000, ReasoningEffort.High)]
    public void EffortFor_DerivesAnEffortFromABudget(int budget, ReasoningEffort expected) =>
        Assert.Equal(expected, OpenAIChatClient.EffortFor(new ReasoningConfig { MaxThinkingTokens = budget }));

    private static ChatOptions Tools(bool? parallel = null, ChatToolMode? mode = null) => new()
    {
        Tools =
        [
            AIFunctionFactory.Create((string path) => path, "read_file", "Reads a file."),
            AIFunctionFactory.Create((string pattern, string path) => pattern, "grep", "Searches."),
        ],
        AllowMultipleToolCalls = parallel,
        ToolMode = mode,
    };

    private static OpenAIChatClient Direct(HttpClient http, string baseUrl, string model = "gpt-4.1", string? key = FakeModelServer.FakeApiKey,
        ReasoningConfig? reasoning = null) =>
        new(http, new Uri(baseUrl), key, model, promptCaching: true, promptCacheKey: "session-9", reasoning: reasoning);

    [Fact]
    public async Task Streaming_YieldsTheTextInPieces_ThenOneFinalUpdateWithFinishReasonAndUsage()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("Hello from the fake server.") with { ChunkSize = 5 });
        using var http = new HttpClient();
        using var client = Direct(http, server.OpenAIBaseUrl);

        List<ChatResponseUpdate> updates = [];
        await foreach (var update in client.GetStreamingResponseAsync("hi", null, Ct))
        {
            updates.Add(update);
        }

        Assert.Equal(["Hello", " from", " the ", "fake ", "serve", "r."], updates.Where(u => u.Text.Length > 0).Select(u => u.Text));
        var final = Assert.Single(updates, u => u.FinishReason is not null);
        Assert.Same(updates[^1], final);
        Assert.Equal(ChatFinishReason.Stop, final.FinishReason);
        Assert.Single(final.Contents.OfType<UsageContent>());
        Assert.Equal("/v1/chat/completions", server.Requests[0].Path);
        Assert.True(server.Requests[0].Json.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StreamedParallelToolCalls_AreAssembledPerIndex_WithTheirIdsAndNames(bool interleaved)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.CallTools(
            new ScriptedToolCall("read_file", """{"path":"a/first.txt"}""", "call_a"),
            new ScriptedToolCall("grep", """{"pattern":"TODO|FIXME","path":"src"}""", "call_b"),
            new ScriptedToolCall("read_file", """{"path":"c/third.txt"}""", "call_c")) with { ChunkSize = 2, InterleaveToolCalls = interleaved });
        using var http = new HttpClient();
        using var client = Direct(http, server.OpenAIBaseUrl);

        var response = await client.GetStreamingResponseAsync("look", Tools(parallel: true), Ct).ToChatResponseAsync(Ct);

        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(["call_a", "call_b", "call_c"], calls.Select(c => c.CallId));
        Assert.Equal(["read_file", "grep", "read_file"], calls.Select(c => c.Name));
        Assert.Equal(["a/first.txt", "src", "c/third.txt"], calls.Select(c => c.Arguments?["path"]?.ToString()));
        Assert.Equal("TODO|FIXME", calls[1].Arguments?["pattern"]?.ToString());
        Assert.All(calls, c => Assert.Null(c.Exception));
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.True(server.Requests[0].Json.GetProperty("parallel_tool_calls").GetBoolean());
        Assert.Equal(["read_file", "grep"], server.Requests[0].Json.GetProperty("tools").EnumerateArray()
            .Select(t => t.GetProperty("function").GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Usage_CarriesCachedPromptTokensAndReasoningTokens(bool streaming)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok", new ScriptedUsage(5_000, 300, CachedInputTokens: 4_096, ReasoningTokens: 120)));
        using var http = new HttpClient();
        using var client = Direct(http, server.OpenAIBaseUrl);

        var response = streaming
            ? await client.GetStreamingResponseAsync("hi", null, Ct).ToChatResponseAsync(Ct)
            : await client.GetResponseAsync("hi", null, Ct);

        Assert.Equal((5_000L, 300L, 5_300L, 4_096L, 120L),
            (response.Usage!.InputTokenCount, response.Usage.OutputTokenCount, response.Usage.TotalTokenCount,
             response.Usage.CachedInputTokenCount, response.Usage.ReasoningTokenCount));
        Assert.Equal("session-9", server.Requests[0].Json.GetProperty("prompt_cache_key").GetString());
    }

    [Fact]
    public async Task ReasoningOptions_ReachTheWire_TheRequestsOwnEffortFirst()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("a"), ScriptedTurn.Reply("b"), ScriptedTurn.Reply("c"));
        using var http = new HttpClient();
        using var client = Direct(http, server.OpenAIBaseUrl, "o4-mini", reasoning: new ReasoningConfig { MaxThinkingTokens = 10_000 });

        await client.GetResponseAsync("hi", null, Ct);
        await client.GetResponseAsync("hi", new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.ExtraHigh } }, Ct);
        await client.GetResponseAsync("hi", new ChatOptions { ModelId = "gpt-4.1", MaxOutputTokens = 321 }, Ct);

        Assert.Equal("medium", server.Requests[0].Json.GetProperty("reasoning_effort").GetString());
        Assert.Equal("xhigh", server.Requests[1].Json.GetProperty("reasoning_effort").GetString());
        Assert.False(server.Requests[2].Json.TryGetProperty("reasoning_effort", out _));
        Assert.Equal(("gpt-4.1", 321), (server.Requests[2].Model, server.Requests[2].Json.GetProperty("max_completion_tokens").GetInt32()));
    }

    [Fact]
    public async Task ARequiredToolAndNoParallelCalls_AreSentAsToolChoiceAndParallelToolCalls()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.CallTool("grep", """{"pattern":"x","path":"."}"""));
        using var http = new HttpClient();
        using var client = Direct(http, server.OpenAIBaseUrl);

        await client.GetResponseAsync("find x", Tools(parallel: false, mode: ChatToolMode.RequireSpecific("grep")), Ct);

        var body = server.Requests[0].Json;
        Assert.False(body.GetProperty("parallel_tool_calls").GetBoolean());
        Assert.Equal("grep", body.GetProperty("tool_choice").GetProperty("function").GetProperty("name").GetString());
    }

    [Fact]
    public async Task AnImageInAUserMessage_IsSentAsAnImageUrlPart()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("a red pixel"));
        using var http = new HttpClient();
        using var client = Direct(http, server.OpenAIBaseUrl);
        byte[] png = [0x89, 0x50, 0x4E, 0x47];

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, [new TextContent("what is this?"), new DataContent(png, "image/png")])], null, Ct);

        var parts = server.Requests[0].Json.GetProperty("messages")[0].GetProperty("content");
        Assert.Equal(("text", "what is this?"), (parts[0].GetProperty("type").GetString(), parts[0].GetProperty("text").GetString()));
        Assert.Equal("image_url", parts[1].GetProperty("type").GetString());
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(png), parts[1].GetProperty("image_url").GetProperty("url").GetString());
    }

    [Fact]
    public async Task AServerWithoutAKey_GetsNoAuthorizationHeader_AndABaseUrlWithATrailingSlashWorks()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"));
        using var http = new HttpClient();
        using var client = Direct(http, server.OpenAIBaseUrl + "/", key: null);

        Assert.Equal("ok", (await client.GetResponseAsync("hi", null, Ct)).Text);

        Assert.Equal("/v1/chat/completions", server.Requests[0].Path);
        Assert.Null(server.Requests[0].Header("Authorization"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnErrorStatus_ComesOutWithStatusBodyAndRetryAfter_AndIsMappedByTheFactorysClient(bool streaming)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.RateLimited(TimeSpan.FromSeconds(4)), ScriptedTurn.Unauthorized());
        using var http = new HttpClient();
        using var raw = Direct(http, server.OpenAIBaseUrl);
        using var mapped = Create(Vendors.ConfigFor(ProviderKind.OpenAI, server, "gpt-4.1") with { OpenAIApi = OpenAIApi.ChatCompletions });
        Task Ask(IChatClient client) => streaming
            ? client.GetStreamingResponseAsync("hi", null, Ct).ToChatResponseAsync(Ct)
            : client.GetResponseAsync("hi", null, Ct);

        var limited = await Assert.ThrowsAsync<ProviderHttpException>(() => Ask(raw));
        var unauthorized = await Assert.ThrowsAsync<ProviderException>(() => Ask(mapped));

        Assert.Equal((429, "4"), ((int)limited.StatusCode!.Value, limited.RetryAfterHeader));
        Assert.Contains("rate_limit_exceeded", limited.Body, StringComparison.Ordinal);
        Assert.Equal(ProviderErrorKind.AuthenticationFailed, unauthorized.Kind);
        Assert.Contains("Incorrect API key provided", unauthorized.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancellingMidStream_StopsTheStreamWithOperationCanceled()
    {
        await MidStreamCancellation.AssertCancellingStopsTheStreamAsync("/v1/chat/completions",
            """data: {"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"first"},"finish_reason":null}]}""" + "\n\n",
            (http, url) => Direct(http, url), Ct);
    }

    [Fact]
    public async Task AMalformedStreamLine_FailsAsAnInvalidResponse_QuotingTheLine()
    {
        await using var web = await LocalWebServer.StartAsync(Ct);
        web.MapText("/v1/chat/completions", "text/event-stream",
            """data: {"id":"c1","choices":[{"index":0,"delta":{"content":"ok"}}]}""" + "\n\n" + "data: {\"choices\": [oops\n\n");
        var env = new Dictionary<string, string> { ["OPENAI_BASE_URL"] = web.Url("/v1").TrimEnd('/'), ["OPENAI_API_KEY"] = "k" };
        var config = new ProviderResolver(n => env.GetValueOrDefault(n)).Resolve(new ProviderOptions("openai-compatible", "local-model"));
        using var client = Create(config);
        using var http = new HttpClient();
        using var raw = Direct(http, web.Url("/v1"));

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetStreamingResponseAsync("hi", null, Ct).ToChatResponseAsync(Ct));
        var cause = await Assert.ThrowsAsync<JsonException>(() => raw.GetStreamingResponseAsync("hi", null, Ct).ToChatResponseAsync(Ct));

        Assert.Equal(ProviderErrorKind.InvalidResponse, error.Kind);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.Contains("[oops", error.Message, StringComparison.Ordinal);
        Assert.Contains("OPENAI_BASE_URL", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("a streamed event is not valid JSON", cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnErrorChunkInTheStream_BecomesAStreamErrorWithTheServersMessage()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.ErrorMidStream("partial"));
        using var http = new HttpClient();
        using var client = Direct(http, server.OpenAIBaseUrl);

        var error = await Assert.ThrowsAsync<OpenAIStreamErrorException>(() => client.GetStreamingResponseAsync("hi", null, Ct).ToChatResponseAsync(Ct));

        Assert.Equal("server_error", error.Code);
        Assert.Contains("overloaded", error.ErrorMessage, StringComparison.Ordinal);
    }
}
