using System.Text.Json;
using CodeForge.Providers.AnthropicMessages;
using CodeForge.Testing;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers.Tests.AnthropicMessages;

/// <summary>What the built-in Messages client puts on the wire beyond the shared conformance suite
/// (<see cref="ChatClientFactoryTests"/>, which runs every case against it and the SDK).</summary>
public sealed class AnthropicMessagesClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly AIFunction s_read = AIFunctionFactory.Create((string path) => path, "read_file", "Reads a file.");

    private static AnthropicMessagesClient Client(FakeModelServer server, HttpClient http, int? maxTokens = null) =>
        new(http, new Uri(server.AnthropicBaseUrl), FakeModelServer.FakeApiKey, "claude-test", maxTokens);

    [Fact]
    public async Task Request_PutsSystemTextInTheSystemField_AndMergesToolResultsIntoOneUserMessageInCallOrder()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"));
        using var http = new HttpClient();
        using var client = Client(server, http, maxTokens: 1234);
        List<ChatMessage> history =
        [
            new(ChatRole.System, "You are a test."),
            new(ChatRole.User, "read two files"),
            new(ChatRole.Assistant, [new FunctionCallContent("toolu_a", "read_file", new Dictionary<string, object?> { ["path"] = "a" }),
                                     new FunctionCallContent("toolu_b", "read_file", new Dictionary<string, object?> { ["path"] = "b" })]),
            new(ChatRole.Tool, [new FunctionResultContent("toolu_a", "content of a")]),
            new(ChatRole.Tool, [new FunctionResultContent("toolu_b", "content of b") { Exception = new IOException("gone") }]),
        ];

        await client.GetStreamingResponseAsync(history, new ChatOptions { Instructions = "Be brief.", Tools = [s_read] }, Ct).ToChatResponseAsync(Ct);

        var body = Assert.Single(server.Requests).Json;
        var system = Assert.Single(body.GetProperty("system").EnumerateArray());
        Assert.Equal(("text", "Be brief.\n\nYou are a test."), (system.GetProperty("type").GetString(), system.GetProperty("text").GetString()));
        Assert.False(system.TryGetProperty("cache_control", out _));
        Assert.Equal(1234, body.GetProperty("max_tokens").GetInt32());
        Assert.True(body.GetProperty("stream").GetBoolean());
        var messages = body.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        var uses = messages[1].GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(["toolu_a", "toolu_b"], uses.Select(u => u.GetProperty("id").GetString()));
        Assert.Equal("b", uses[1].GetProperty("input").GetProperty("path").GetString());
        var results = messages[2].GetProperty("content").EnumerateArray().ToList();
        Assert.Equal([("toolu_a", "content of a", false), ("toolu_b", "content of b", true)],
            results.Select(r => (r.GetProperty("tool_use_id").GetString(), r.GetProperty("content").GetString(),
                r.TryGetProperty("is_error", out var e) && e.GetBoolean())));
        var tool = Assert.Single(body.GetProperty("tools").EnumerateArray());
        Assert.Equal("read_file", tool.GetProperty("name").GetString());
        Assert.Equal("object", tool.GetProperty("input_schema").GetProperty("type").GetString());
        Assert.False(body.TryGetProperty("tool_choice", out _));
        Assert.Equal(FakeModelServer.FakeApiKey, server.Requests[0].Header("x-api-key"));
        Assert.Equal(AnthropicMessagesClient.ApiVersion, server.Requests[0].Header("anthropic-version"));
    }

    [Theory]
    [InlineData(false, null, "auto", true)]
    [InlineData(true, "read_file", "tool", false)]
    public async Task ToolChoice_FollowsToolModeAndParallelism(bool required, string? name, string expectedType, bool disableParallel)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"));
        using var http = new HttpClient();
        using var client = Client(server, http);
        var options = new ChatOptions
        {
            Tools = [s_read],
            ToolMode = required ? ChatToolMode.RequireSpecific(name!) : ChatToolMode.Auto,
            AllowMultipleToolCalls = !disableParallel,
        };

        await client.GetResponseAsync("hi", options, Ct);

        var choice = server.Requests[0].Json.GetProperty("tool_choice");
        Assert.Equal(expectedType, choice.GetProperty("type").GetString());
        Assert.Equal(name, choice.TryGetProperty("name", out var n) ? n.GetString() : null);
        Assert.Equal(disableParallel, choice.TryGetProperty("disable_parallel_tool_use", out var d) && d.GetBoolean());
        Assert.Equal(AnthropicMessagesClient.FallbackMaxTokens, server.Requests[0].Json.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task ToolModeNone_SendsNoTools()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"));
        using var http = new HttpClient();
        using var client = Client(server, http);

        await client.GetResponseAsync("hi", new ChatOptions { Tools = [s_read], ToolMode = ChatToolMode.None }, Ct);

        Assert.False(server.Requests[0].Json.TryGetProperty("tools", out _));
    }

    [Fact]
    public async Task StreamedToolCall_WithEmptyInput_HasNoArgumentsAndNoError()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.CallTool("list", ""));
        using var http = new HttpClient();
        using var client = Client(server, http);

        var response = await client.GetStreamingResponseAsync("hi", null, Ct).ToChatResponseAsync(Ct);

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Null(call.Exception);
        Assert.Empty(call.Arguments ?? new Dictionary<string, object?>());
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public void Usage_TakesTheInputSideFromMessageStart_AndTheFinalOutputFromMessageDelta()
    {
        var usage = AnthropicMessagesClient.ToUsage(
            new WireUsage { InputTokens = 100, CacheReadInputTokens = 20, CacheCreationInputTokens = 5, OutputTokens = 1 },
            new WireUsage { OutputTokens = 42 })!;

        Assert.Equal((125L, 42L, 20L, 167L), (usage.InputTokenCount, usage.OutputTokenCount, usage.CachedInputTokenCount, usage.TotalTokenCount));
        Assert.Equal(5, usage.AdditionalCounts!["CacheCreationInputTokens"]);
        Assert.Null(AnthropicMessagesClient.ToUsage(null, null));
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("refusal", "content_filter")]
    public void StopReason_MapsToTheFinishReason(string stopReason, string finish) =>
        Assert.Equal(new ChatFinishReason(finish), AnthropicMessagesClient.ToFinishReason(stopReason));

    [Fact]
    public void Constructor_RejectsMissingKeyModelAndNonPositiveLimit()
    {
        using var http = new HttpClient();
        var url = new Uri("http://127.0.0.1:1");
        Assert.Throws<ArgumentException>(() => new AnthropicMessagesClient(http, url, "", "m"));
        Assert.Throws<ArgumentException>(() => new AnthropicMessagesClient(http, url, "k", ""));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AnthropicMessagesClient(http, url, "k", "m", 0));
    }

    private static AnthropicMessagesClient CachingClient(FakeModelServer server, HttpClient http, string model = "claude-sonnet-4-6", ReasoningConfig? reasoning = null) =>
        new(http, new Uri(server.AnthropicBaseUrl), FakeModelServer.FakeApiKey, model, 16_384, promptCaching: true, reasoning: reasoning);

    private static readonly AIFunction s_grep = AIFunctionFactory.Create((string pattern) => pattern, "grep", "Searches files.");

    /// <summary>The paths of every <c>cache_control</c> in a request body.</summary>
    private static List<string> Breakpoints(JsonElement body)
    {
        var found = new List<string>();
        void Walk(JsonElement e, string path)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject())
                    {
                        if (p.Name == "cache_control")
                        {
                            Assert.Equal("ephemeral", p.Value.GetProperty("type").GetString());
                            found.Add(path);
                        }
                        else
                        {
                            Walk(p.Value, path + "." + p.Name);
                        }
                    }
                    break;
                case JsonValueKind.Array:
                    var i = 0;
                    foreach (var item in e.EnumerateArray())
                    {
                        Walk(item, $"{path}[{i++}]");
                    }
                    break;
            }
        }
        Walk(body, "$");
        return found;
    }

    /// <summary>A body with every <c>cache_control</c> removed, as compact JSON (what the cache hashes).</summary>
    private static string WithoutBreakpoints(System.Text.Json.Nodes.JsonNode? node)
    {
        void Strip(System.Text.Json.Nodes.JsonNode? n)
        {
            if (n is System.Text.Json.Nodes.JsonObject o)
            {
                o.Remove("cache_control");
                foreach (var (_, child) in o.ToList())
                {
                    Strip(child);
                }
            }
            else if (n is System.Text.Json.Nodes.JsonArray a)
            {
                foreach (var child in a)
                {
                    Strip(child);
                }
            }
        }
        Strip(node);
        return node?.ToJsonString() ?? "";
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PromptCaching_MarksToolsSystemAndTheNewestMessages_AndKeepsThePrefixIdenticalFromTurnToTurn(bool streaming)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(
            ScriptedTurn.CallTools(new ScriptedToolCall("read_file", """{"path":"a.cs"}"""), new ScriptedToolCall("grep", """{"pattern":"Foo"}""")),
            ScriptedTurn.CallTool("read_file", """{"path":"b.cs"}"""),
            ScriptedTurn.Reply("done"));
        using var http = new HttpClient();
        using var client = CachingClient(server, http);
        var options = new ChatOptions { Instructions = "You are forge.", Tools = [s_read, s_grep] };
        List<ChatMessage> history = [new(ChatRole.User, "fix the bug")];

        for (var turn = 0; turn < 3; turn++)
        {
            var response = streaming
                ? await client.GetStreamingResponseAsync(history, options, Ct).ToChatResponseAsync(Ct)
                : await client.GetResponseAsync(history, options, Ct);
            history.AddRange(response.Messages);
            var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            if (calls.Count > 0)
            {
                history.Add(new ChatMessage(ChatRole.Tool, [.. calls.Select(c => (AIContent)new FunctionResultContent(c.CallId, "contents of " + c.CallId))]));
            }
        }

        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(["$.messages[0].content[0]", "$.system[0]", "$.tools[1]"], Breakpoints(server.Requests[0].Json).Order(StringComparer.Ordinal));
        // Later requests: the last tool, the system prompt, the newest message and the user message before it.
        Assert.Equal(["$.messages[0].content[0]", "$.messages[2].content[1]", "$.system[0]", "$.tools[1]"],
            Breakpoints(server.Requests[1].Json).Order(StringComparer.Ordinal));
        Assert.Equal(["$.messages[2].content[1]", "$.messages[4].content[0]", "$.system[0]", "$.tools[1]"],
            Breakpoints(server.Requests[2].Json).Order(StringComparer.Ordinal));
        for (var i = 1; i < server.Requests.Count; i++)
        {
            var before = server.Requests[i - 1].Node()!;
            var after = server.Requests[i].Node()!;
            Assert.Equal(WithoutBreakpoints(before["tools"]), WithoutBreakpoints(after["tools"]));
            Assert.Equal(WithoutBreakpoints(before["system"]), WithoutBreakpoints(after["system"]));
            var earlier = before["messages"]!.AsArray();
            var later = after["messages"]!.AsArray();
            for (var m = 0; m < earlier.Count; m++)
            {
                Assert.Equal(WithoutBreakpoints(earlier[m]), WithoutBreakpoints(later[m]));
            }
        }
    }

    [Fact]
    public async Task PromptCaching_NeverUsesMoreThanFourBreakpoints_AndNeverMarksAThinkingBlock()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"));
        using var http = new HttpClient();
        using var client = CachingClient(server, http);
        var thinking = new TextReasoningContent("plan") { ProtectedData = "sig" };
        List<ChatMessage> history =
        [
            new(ChatRole.System, "system"),
            new(ChatRole.User, "one"),
            new(ChatRole.Assistant, "two"),
            new(ChatRole.User, "three"),
            new(ChatRole.Assistant, [thinking]),
        ];

        await client.GetResponseAsync(history, new ChatOptions { Tools = [s_read] }, Ct);

        var body = server.Requests[0].Json;
        // The last message holds only a thinking block, which cannot be a breakpoint: the newest user message and the
        // one before it are marked instead, and the four-breakpoint limit holds.
        Assert.Equal(["$.messages[0].content[0]", "$.messages[2].content[0]", "$.system[0]", "$.tools[0]"],
            Breakpoints(body).Order(StringComparer.Ordinal));
        Assert.Equal("thinking", body.GetProperty("messages")[3].GetProperty("content")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task PromptCaching_Off_SendsNoBreakpoints()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"));
        using var http = new HttpClient();
        using var client = Client(server, http);

        await client.GetResponseAsync([new(ChatRole.System, "s"), new(ChatRole.User, "u")], new ChatOptions { Tools = [s_read] }, Ct);

        Assert.Empty(Breakpoints(server.Requests[0].Json));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Thinking_ComesBackWithItsSignatureUnchanged_AcrossAToolCall(bool streaming)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        const string Signature = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds+sig/=";
        server.Enqueue(
            ScriptedTurn.CallTool("read_file", """{"path":"a.cs"}""") with
            {
                Thinking = [new ScriptedThinking("The bug is probably in a.cs; read it first.", Signature), new ScriptedThinking("ENCRYPTED==", Redacted: true)],
            },
            ScriptedTurn.Reply("fixed"));
        using var http = new HttpClient();
        using var client = CachingClient(server, http, reasoning: new ReasoningConfig { Effort = ReasoningEffort.High });
        var options = new ChatOptions { Tools = [s_read] };
        List<ChatMessage> history = [new(ChatRole.User, "fix it")];

        var first = streaming
            ? await client.GetStreamingResponseAsync(history, options, Ct).ToChatResponseAsync(Ct)
            : await client.GetResponseAsync(history, options, Ct);
        history.AddRange(first.Messages);
        var call = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "class A {}")]));
        var second = streaming
            ? await client.GetStreamingResponseAsync(history, options, Ct).ToChatResponseAsync(Ct)
            : await client.GetResponseAsync(history, options, Ct);

        Assert.Equal("fixed", second.Text);
        Assert.Empty(first.Text);
        var reasoning = first.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().ToList();
        Assert.Equal(2, reasoning.Count);
        var assistant = server.Requests[1].Json.GetProperty("messages")[1].GetProperty("content");
        Assert.Equal("""{"type":"thinking","thinking":"The bug is probably in a.cs; read it first.","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds\u002Bsig/="}""",
            assistant[0].GetRawText());
        Assert.Equal(Signature, assistant[0].GetProperty("signature").GetString());
        Assert.Equal("""{"type":"redacted_thinking","data":"ENCRYPTED=="}""", assistant[1].GetRawText());
        Assert.Equal("tool_use", assistant[2].GetProperty("type").GetString());
        Assert.Equal(3, assistant.GetArrayLength());
        foreach (var request in server.Requests)
        {
            Assert.Equal("adaptive", request.Json.GetProperty("thinking").GetProperty("type").GetString());
            Assert.Equal("high", request.Json.GetProperty("output_config").GetProperty("effort").GetString());
        }
    }

    [Fact]
    public async Task Thinking_WithABudgetModel_SendsTheBudgetAndRoomForTheAnswer_AndDropsSamplingOptions()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"));
        using var http = new HttpClient();
        using var client = CachingClient(server, http, "claude-sonnet-4-5", new ReasoningConfig { MaxThinkingTokens = 12_000 });

        await client.GetResponseAsync("hi", new ChatOptions { Temperature = 0.2f, TopK = 5 }, Ct);

        var body = server.Requests[0].Json;
        Assert.Equal("enabled", body.GetProperty("thinking").GetProperty("type").GetString());
        Assert.Equal(12_000, body.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.Equal(16_384 + 12_000, body.GetProperty("max_tokens").GetInt32());
        Assert.False(body.TryGetProperty("temperature", out _));
        Assert.False(body.TryGetProperty("top_k", out _));
    }

    [Fact]
    public async Task Thinking_IsNotRequested_WithoutAReasoningConfig()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"));
        using var http = new HttpClient();
        using var client = Client(server, http);

        await client.GetResponseAsync("hi", null, Ct);

        Assert.False(server.Requests[0].Json.TryGetProperty("thinking", out _));
    }

    [Fact]
    public async Task Usage_WithCacheReadsAndWrites_IsPricedAtTheCacheRates()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok", new ScriptedUsage(10_000, 100, CachedInputTokens: 8_000, CacheWriteTokens: 1_500)));
        var tracker = new UsageTracker();
        var config = Vendors.ConfigFor(ProviderKind.Anthropic, server, "claude-sonnet-4-6");
        using var client = ChatClientFactory.Create(config, new ChatClientFactoryOptions { UsageTracker = tracker, Retry = Vendors.FastRetry() });

        await client.GetStreamingResponseAsync("hi", null, Ct).ToChatResponseAsync(Ct);

        var usage = tracker.Snapshot;
        Assert.Equal((10_000L, 8_000L, 1_500L, 100L), (usage.InputTokens, usage.CachedInputTokens, usage.CacheWriteTokens, usage.OutputTokens));
        // 500 uncached at $3, 8,000 read at $0.30, 1,500 written at $3.75, 100 out at $15 (per million).
        Assert.Equal((500 * 3m + 8_000 * 0.30m + 1_500 * 3.75m + 100 * 15m) / 1_000_000m, usage.Cost);
        Assert.Equal(0.011025m, usage.Cost);
    }
}
