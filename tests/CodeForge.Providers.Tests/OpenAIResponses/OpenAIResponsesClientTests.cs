using System.Text.Json;
using System.Text.Json.Nodes;
using CodeForge.Providers.OpenAIChat;
using CodeForge.Providers.OpenAIResponses;
using CodeForge.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers.Tests.OpenAIResponses;

/// <summary>OpenAI's reasoning models through the Responses API, against the fake server's <c>/v1/responses</c>:
/// stateless requests, reasoning items carried to the next turn unchanged, effort, tool round trips, usage and
/// errors.</summary>
public sealed class OpenAIResponsesClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IChatClient Create(ProviderConfig config, UsageTracker? tracker = null, ReasoningConfig? reasoning = null, string? cacheKey = "session-1") =>
        ChatClientFactory.Create(config, new ChatClientFactoryOptions
        {
            Retry = Vendors.FastRetry(attempts: 1),
            UsageTracker = tracker,
            PromptCacheKey = cacheKey,
            Reasoning = reasoning,
        });

    private static ChatOptions Tools() => new()
    {
        Tools = [AIFunctionFactory.Create((string path) => path, "read_file", "Reads a file.")],
    };

    private static async Task<ChatResponse> AskAsync(IChatClient client, IEnumerable<ChatMessage> messages, ChatOptions? options, bool streaming) =>
        streaming
            ? await client.GetStreamingResponseAsync(messages, options, Ct).ToChatResponseAsync(Ct)
            : await client.GetResponseAsync(messages, options, Ct);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AReasoningModel_IsAskedThroughTheResponsesApi_Statelessly(bool streaming)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("hello there"));
        using var client = Create(Vendors.ConfigFor(ProviderKind.OpenAI, server, "gpt-5.4"));

        var response = await AskAsync(client, [new ChatMessage(ChatRole.System, "be brief"), new ChatMessage(ChatRole.User, "hi")], null, streaming);

        Assert.Equal("hello there", response.Text);
        Assert.Null(response.ConversationId);
        var request = Assert.Single(server.Requests);
        Assert.Equal(ModelProtocol.OpenAIResponses, request.Protocol);
        Assert.Equal("/v1/responses", request.Path);
        Assert.False(request.Json.GetProperty("store").GetBoolean());
        Assert.Contains("reasoning.encrypted_content", request.Json.GetProperty("include").EnumerateArray().Select(e => e.GetString()));
        Assert.False(request.Json.TryGetProperty("previous_response_id", out _));
        Assert.Equal("session-1", request.Json.GetProperty("prompt_cache_key").GetString());
        Assert.Equal("auto", request.Json.GetProperty("reasoning").GetProperty("summary").GetString());
        Assert.Equal(streaming, request.Stream);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AReasoningItem_ComesBackInTheNextRequest_Unchanged(bool streaming)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        const string encrypted = "gAAAAABo-ENCRYPTED+/reasoning==";
        server.Enqueue(
            new ScriptedTurn
            {
                Thinking = [new ScriptedThinking("Need to read the file first.", encrypted)],
                ToolCalls = [new ScriptedToolCall("read_file", """{"path":"a.txt"}""", "call_abc")],
            },
            ScriptedTurn.Reply("done"));
        using var client = Create(Vendors.ConfigFor(ProviderKind.OpenAI, server, "gpt-5.4"));
        List<ChatMessage> history = [new(ChatRole.User, "read a.txt")];

        var first = await AskAsync(client, history, Tools(), streaming);
        var reasoning = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>(), r => r.ProtectedData is not null);
        Assert.Equal(encrypted, reasoning.ProtectedData);
        Assert.Contains("Need to read the file first.", first.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text));
        history.AddRange(first.Messages);
        // The session stores messages as JSON and reads them back on resume: the item must survive that too.
        history = JsonSerializer.Deserialize<List<ChatMessage>>(JsonSerializer.Serialize(history, AIJsonUtilities.DefaultOptions), AIJsonUtilities.DefaultOptions)!;
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_abc", "contents of a")]));
        await AskAsync(client, history, Tools(), streaming);

        var input = server.Requests[1].Json.GetProperty("input").EnumerateArray().ToList();
        var item = Assert.Single(input, i => i.TryGetProperty("type", out var t) && t.GetString() == "reasoning");
        Assert.Equal("rs_fake_1", item.GetProperty("id").GetString());
        Assert.Equal(encrypted, item.GetProperty("encrypted_content").GetString());
        Assert.Equal("Need to read the file first.", item.GetProperty("summary")[0].GetProperty("text").GetString());
        // The reasoning precedes the call it led to, as the API requires.
        var reasoningAt = input.FindIndex(i => i.TryGetProperty("type", out var t) && t.GetString() == "reasoning");
        var callAt = input.FindIndex(i => i.TryGetProperty("type", out var t) && t.GetString() == "function_call");
        Assert.True(reasoningAt < callAt, $"reasoning at {reasoningAt}, call at {callAt}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AToolCall_RoundTrips_AsFunctionCallAndFunctionCallOutputItems(bool streaming)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.CallTool("read_file", """{"path":"src/a.cs"}""", "call_1") with { ChunkSize = 3 }, ScriptedTurn.Reply("ok"));
        using var client = Create(Vendors.ConfigFor(ProviderKind.OpenAI, server, "gpt-5.4"));
        List<ChatMessage> history = [new(ChatRole.User, "look")];

        var first = await AskAsync(client, history, Tools(), streaming);
        var call = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(("call_1", "read_file", "src/a.cs"), (call.CallId, call.Name, call.Arguments!["path"]?.ToString()));
        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        history.AddRange(first.Messages);
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_1", "class A {}")]));
        await AskAsync(client, history, Tools(), streaming);

        var tools = server.Requests[0].Json.GetProperty("tools");
        Assert.Equal("function", tools[0].GetProperty("type").GetString());
        Assert.Equal("read_file", tools[0].GetProperty("name").GetString());
        var input = JsonNode.Parse(server.Requests[1].Json.GetProperty("input").GetRawText())!.AsArray();
        var sent = input.Single(i => (string?)i!["type"] == "function_call")!;
        Assert.Equal("call_1", (string?)sent["call_id"]);
        Assert.Equal("read_file", (string?)sent["name"]);
        Assert.Equal("src/a.cs", JsonNode.Parse((string)sent["arguments"]!)!["path"]!.GetValue<string>());
        var output = input.Single(i => (string?)i!["type"] == "function_call_output")!;
        Assert.Equal("call_1", (string?)output["call_id"]);
        Assert.Contains("class A {}", output["output"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("low", "low")]
    [InlineData("high", "high")]
    [InlineData("max", "xhigh")]
    [InlineData("none", "none")]
    public async Task TheConfiguredEffort_ReachesTheRequest(string effort, string wire)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"));
        using var client = Create(Vendors.ConfigFor(ProviderKind.OpenAI, server, "gpt-5.4"),
            reasoning: new ReasoningConfig { Effort = ReasoningConfig.ParseEffort(effort) });

        await client.GetResponseAsync("hi", null, Ct);

        Assert.Equal(wire, server.Requests[0].Json.GetProperty("reasoning").GetProperty("effort").GetString());
    }

    [Fact]
    public async Task ARequestsOwnEffort_WinsOverTheConfiguredOne()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"));
        using var client = Create(Vendors.ConfigFor(ProviderKind.OpenAI, server, "o4-mini"), reasoning: new ReasoningConfig { Effort = ReasoningEffort.High });

        await client.GetResponseAsync("hi", new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low } }, Ct);

        Assert.Equal("low", server.Requests[0].Json.GetProperty("reasoning").GetProperty("effort").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Usage_IncludesCachedAndReasoningTokens_AndIsPriced(bool streaming)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok", new ScriptedUsage(10_000, 500, CachedInputTokens: 8_000, ReasoningTokens: 300)));
        var tracker = new UsageTracker();
        using var client = Create(Vendors.ConfigFor(ProviderKind.OpenAI, server, "gpt-5.4"), tracker);

        var response = await AskAsync(client, [new ChatMessage(ChatRole.User, "hi")], null, streaming);

        Assert.Equal(10_000, response.Usage!.InputTokenCount);
        Assert.Equal(8_000, response.Usage.CachedInputTokenCount);
        Assert.Equal(300, response.Usage.ReasoningTokenCount);
        var snapshot = tracker.Snapshot;
        Assert.Equal(300, snapshot.ReasoningTokens);
        // gpt-5.4: $2.50 input, $0.25 cached, $15 output (reasoning included) per million.
        Assert.Equal((2_000 * 2.50m + 8_000 * 0.25m + 500 * 15m) / 1_000_000m, snapshot.Cost);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HttpErrors_AreMappedLikeEveryOtherProvidersErrors(bool streaming)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.ContextLengthExceeded(), ScriptedTurn.RateLimited(TimeSpan.FromSeconds(7)));
        using var client = Create(Vendors.ConfigFor(ProviderKind.OpenAI, server, "gpt-5.4"));

        var tooLong = await Assert.ThrowsAsync<ProviderException>(() => AskAsync(client, [new ChatMessage(ChatRole.User, "hi")], null, streaming));
        var limited = await Assert.ThrowsAsync<ProviderException>(() => AskAsync(client, [new ChatMessage(ChatRole.User, "hi")], null, streaming));

        Assert.Equal(ProviderErrorKind.ContextTooLong, tooLong.Kind);
        Assert.Equal(ProviderErrorKind.RateLimited, limited.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), limited.RetryAfter);
    }

    [Fact]
    public async Task AnErrorEventInTheStream_BecomesAProviderError_WithTheServersMessage()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.ErrorMidStream("partial"));
        using var client = Create(Vendors.ConfigFor(ProviderKind.OpenAI, server, "gpt-5.4"));

        var error = await Assert.ThrowsAsync<ProviderException>(() => AskAsync(client, [new ChatMessage(ChatRole.User, "hi")], null, streaming: true));

        Assert.Equal(ProviderErrorKind.ServerUnavailable, error.Kind);
        Assert.True(error.IsTransient);
        Assert.Contains("had an error while processing", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpt-4.1", null, ModelProtocol.OpenAI)]
    [InlineData("gpt-5.4", null, ModelProtocol.OpenAIResponses)]
    [InlineData("o3", null, ModelProtocol.OpenAIResponses)]
    [InlineData("gpt-5.4", "chat", ModelProtocol.OpenAI)]
    [InlineData("gpt-4.1", "responses", ModelProtocol.OpenAIResponses)]
    public async Task OpenAIModels_UseTheApiTheirFamilyHas_UnlessForced(string model, string? forced, ModelProtocol expected)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"));
        var env = new Dictionary<string, string>(server.EnvironmentVariables);
        if (forced is not null)
        {
            env[OpenAIApis.EnvironmentVariable] = forced;
        }
        var config = new ProviderResolver(n => env.GetValueOrDefault(n)).Resolve(new ProviderOptions("openai", model));
        using var client = Create(config);

        var response = await client.GetResponseAsync("hi", null, Ct);

        Assert.Equal("ok", response.Text);
        Assert.Equal(expected, server.Requests[0].Protocol);
    }

    [Fact]
    public async Task ACompatibleServer_StaysOnChatCompletions_UnlessItsSettingsAskForResponses()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("one"), ScriptedTurn.Reply("two"));
        var env = server.EnvironmentVariables;
        var resolver = new ProviderResolver(n => env.GetValueOrDefault(n));
        var plain = resolver.Resolve(new ProviderOptions("openai-compatible", "gpt-5.4"));
        var forced = resolver.Resolve(new ProviderOptions("openai-compatible", "local-model"), new ProviderSettings { OpenAIApi = "responses" });

        using (var client = Create(plain))
        {
            await client.GetResponseAsync("hi", null, Ct);
        }
        using (var client = Create(forced))
        {
            Assert.Equal("two", (await client.GetResponseAsync("hi", null, Ct)).Text);
        }

        Assert.Equal(ModelProtocol.OpenAI, server.Requests[0].Protocol);
        Assert.Equal(ModelProtocol.OpenAIResponses, server.Requests[1].Protocol);
        // Not a reasoning model: no reasoning fields, no cache key (not OpenAI itself).
        Assert.False(server.Requests[1].Json.TryGetProperty("reasoning", out _));
        Assert.False(server.Requests[1].Json.TryGetProperty("prompt_cache_key", out _));
    }

    [Fact]
    public void AnUnknownApiName_IsRefused_NamingWhereItCameFrom()
    {
        var resolver = new ProviderResolver(n => n switch
        {
            "OPENAI_API_KEY" => "sk-x",
            OpenAIApis.EnvironmentVariable => "soap",
            _ => null,
        });

        var error = Assert.Throws<ProviderConfigurationException>(() => resolver.Resolve(new ProviderOptions("openai", "gpt-5.4")));

        Assert.Contains("soap", error.Message, StringComparison.Ordinal);
        Assert.Contains(OpenAIApis.EnvironmentVariable, error.Message, StringComparison.Ordinal);
    }

    private static OpenAIResponsesClient Direct(HttpClient http, string baseUrl, string model = "gpt-5.4") =>
        new(http, new Uri(baseUrl), FakeModelServer.FakeApiKey, model, promptCaching: true, promptCacheKey: "session-3");

    [Fact]
    public async Task StreamedParallelFunctionCalls_AreAssembled_AndTheTextStreamsInPieces()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(new ScriptedTurn
        {
            Text = "Reading both.",
            ToolCalls = [new("read_file", """{"path":"a/one.txt"}""", "call_1"), new("read_file", """{"path":"b/two.txt"}""", "call_2")],
            ChunkSize = 3,
        });
        using var http = new HttpClient();
        using var client = Direct(http, server.OpenAIBaseUrl);

        List<ChatResponseUpdate> updates = [];
        await foreach (var update in client.GetStreamingResponseAsync("read", Tools(), Ct))
        {
            updates.Add(update);
        }
        var response = updates.ToChatResponse();

        Assert.Equal(["Rea", "din", "g b", "oth", "."], updates.Where(u => u.Text.Length > 0).Select(u => u.Text));
        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal([("call_1", "a/one.txt"), ("call_2", "b/two.txt")], calls.Select(c => (c.CallId, c.Arguments?["path"]?.ToString())));
        Assert.Single(response.Messages);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.False(server.Requests[0].Json.GetProperty("tools")[0].GetProperty("strict").GetBoolean());
    }

    [Fact]
    public async Task ReasoningWithoutAnItemId_FromAnotherProvider_IsNotSentBack()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"));
        using var http = new HttpClient();
        using var client = Direct(http, server.OpenAIBaseUrl);
        List<ChatMessage> history =
        [
            new(ChatRole.User, "hi"),
            new(ChatRole.Assistant, [new TextReasoningContent("claude thinking") { ProtectedData = "anthropic-signature" }, new TextContent("hello")]),
            new(ChatRole.User, "again"),
        ];

        await client.GetResponseAsync(history, null, Ct);

        var types = server.Requests[0].Json.GetProperty("input").EnumerateArray().Select(i => i.GetProperty("type").GetString()).ToList();
        Assert.Equal(["message", "message", "message"], types);
        Assert.DoesNotContain("anthropic-signature", server.Requests[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancellingMidStream_StopsTheStreamWithOperationCanceled()
    {
        await MidStreamCancellation.AssertCancellingStopsTheStreamAsync("/v1/responses",
            "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"first\"}\n\n",
            (http, url) => Direct(http, url), Ct);
    }

    [Fact]
    public async Task AMalformedEvent_FailsAsAnInvalidResponse_NamingTheEvent()
    {
        await using var web = await LocalWebServer.StartAsync(Ct);
        web.MapText("/v1/responses", "text/event-stream", "event: response.output_text.delta\ndata: {\"type\": nope}\n\n");
        using var http = new HttpClient();
        using var client = new ErrorMappingChatClient(Direct(http, web.Url("/v1")), new ProviderConfig
        {
            Kind = ProviderKind.OpenAI,
            Model = "gpt-5.4",
            BaseUrl = new Uri(web.Url("/v1")),
            BaseUrlVariable = "OPENAI_BASE_URL",
            DisplayName = "OpenAI",
        });

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetStreamingResponseAsync("hi", null, Ct).ToChatResponseAsync(Ct));

        Assert.Equal(ProviderErrorKind.InvalidResponse, error.Kind);
        Assert.Contains("'response.output_text.delta' event is not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.Contains("OpenAI Responses API", error.Message, StringComparison.Ordinal);
    }
}
