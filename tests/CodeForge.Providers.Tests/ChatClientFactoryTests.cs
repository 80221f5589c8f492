using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CodeForge.Providers.AnthropicMessages;
using CodeForge.Testing;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers.Tests;

/// <summary>End-to-end: each vendor client as the factory builds it, against the fake server's real wire protocols.</summary>
public sealed class ChatClientFactoryTests
{
    public static TheoryData<Vendor, bool> VendorsAndModes()
    {
        var data = new TheoryData<Vendor, bool>();
        foreach (var kind in Enum.GetValues<Vendor>())
        {
            data.Add(kind, false);
            data.Add(kind, true);
        }
        return data;
    }

    public static TheoryData<Vendor, bool> KeyedVendorsAndModes()
    {
        var data = new TheoryData<Vendor, bool>();
        foreach (var kind in Enum.GetValues<Vendor>().Where(v => v != Vendor.Ollama))
        {
            data.Add(kind, false);
            data.Add(kind, true);
        }
        return data;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ChatOptions s_tools = new()
    {
        Tools =
        [
            AIFunctionFactory.Create((string path) => path, "read_file", "Reads a file."),
            AIFunctionFactory.Create((string pattern, string path) => pattern, "grep", "Searches files."),
        ],
        AllowMultipleToolCalls = true,
    };

    private static async Task<ChatResponse> CallAsync(IChatClient client, bool streaming, ChatOptions? options = null)
    {
        if (!streaming)
        {
            return await client.GetResponseAsync("hello", options, Ct);
        }
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("hello", options, Ct))
        {
            updates.Add(update);
        }
        return updates.ToChatResponse();
    }

    /// <summary>The provider kind of the vendor under test.</summary>
    private static ProviderKind Use(Vendor vendor) => Vendors.KindOf(vendor);

    private static IChatClient Create(ProviderConfig config, RetryOptions? retry = null, UsageTracker? tracker = null, TimeProvider? time = null) =>
        ChatClientFactory.Create(config, new ChatClientFactoryOptions
        {
            Retry = retry ?? Vendors.FastRetry(),
            UsageTracker = tracker,
            TimeProvider = time ?? TimeProvider.System,
        });

    private static List<FunctionCallContent> Calls(ChatResponse response) =>
        response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();

    [Theory]
    [MemberData(nameof(VendorsAndModes))]
    public async Task TextReply_ReturnsTextAndUsage_AndTheRequestIsWellFormed(Vendor vendor, bool streaming)
    {
        var kind = Use(vendor);
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("Hello from the fake server, in pieces.", new ScriptedUsage(120, 30, CachedInputTokens: 20)));
        var config = Vendors.ConfigFor(kind, server);
        var tracker = new UsageTracker();
        using var client = Create(config, tracker: tracker);

        var response = await CallAsync(client, streaming);

        Assert.Equal("Hello from the fake server, in pieces.", response.Text);
        Assert.Equal(120, response.Usage?.InputTokenCount);
        Assert.Equal(30, response.Usage?.OutputTokenCount);
        Assert.Equal(kind == ProviderKind.Ollama ? null : 20, response.Usage?.CachedInputTokenCount);
        Assert.Equal((1, 120, 30), (tracker.Snapshot.Calls, tracker.Snapshot.InputTokens, tracker.Snapshot.OutputTokens));

        var request = Assert.Single(server.Requests);
        Assert.Equal(Vendors.Protocol(kind), request.Protocol);
        Assert.Equal(config.Model, request.Model);
        Assert.Equal(streaming, request.Stream);
        Assert.Contains("hello", request.Body, StringComparison.Ordinal);
        switch (kind)
        {
            case ProviderKind.Anthropic:
                // The Anthropic SDK of 2026 sends the key as a bearer token; older ones used x-api-key.
                Assert.Equal(FakeModelServer.FakeApiKey, request.Header("x-api-key") ?? request.Header("Authorization")?.Replace("Bearer ", "", StringComparison.Ordinal));
                Assert.NotNull(request.Header("anthropic-version"));
                Assert.Equal(config.MaxOutputTokens, request.Json.GetProperty("max_tokens").GetInt32());
                break;
            case ProviderKind.Ollama:
                Assert.Null(request.Header("Authorization"));
                break;
            default:
                Assert.Equal("Bearer " + FakeModelServer.FakeApiKey, request.Header("Authorization"));
                if (streaming && request.Protocol == ModelProtocol.OpenAI)
                {
                    Assert.True(request.Json.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
                }
                break;
        }
    }

    [Theory]
    [MemberData(nameof(VendorsAndModes))]
    public async Task OneToolCall_ComesBackWithItsIdNameAndArguments(Vendor vendor, bool streaming)
    {
        var kind = Use(vendor);
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.CallTool("read_file", """{"path":"src/Program.cs"}""", id: "call_read_1"));
        using var client = Create(Vendors.ConfigFor(kind, server));

        var response = await CallAsync(client, streaming, s_tools);

        var call = Assert.Single(Calls(response));
        Assert.Equal("read_file", call.Name);
        Assert.Equal("src/Program.cs", call.Arguments?["path"]?.ToString());
        Assert.Null(call.Exception);
        if (kind != ProviderKind.Ollama)
        {
            Assert.Equal("call_read_1", call.CallId); // Ollama has no call ids on the wire; OllamaSharp invents them
        }
        Assert.Equal(ChatFinishReason.ToolCalls, kind == ProviderKind.Ollama ? ChatFinishReason.ToolCalls : response.FinishReason);

        var tools = server.Requests[0].Json.GetProperty("tools").EnumerateArray()
            .Select(t => t.TryGetProperty("function", out var f) ? f.GetProperty("name").GetString() : t.GetProperty("name").GetString())
            .ToList();
        Assert.Equal(["read_file", "grep"], tools);
    }

    [Theory]
    [MemberData(nameof(VendorsAndModes))]
    public async Task TwoParallelToolCalls_AreAssembledFromStreamedFragments(Vendor vendor, bool streaming)
    {
        var kind = Use(vendor);
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.CallTools(
            new ScriptedToolCall("read_file", """{"path":"docs/architecture/overview.md"}""", "call_a"),
            new ScriptedToolCall("grep", """{"pattern":"TODO|FIXME","path":"src"}""", "call_b")) with { ChunkSize = 3 });
        using var client = Create(Vendors.ConfigFor(kind, server));

        var response = await CallAsync(client, streaming, s_tools);

        var calls = Calls(response);
        Assert.Equal(2, calls.Count);
        Assert.Equal(("read_file", "docs/architecture/overview.md"), (calls[0].Name, calls[0].Arguments?["path"]?.ToString()));
        Assert.Equal(("grep", "TODO|FIXME", "src"),
            (calls[1].Name, calls[1].Arguments?["pattern"]?.ToString(), calls[1].Arguments?["path"]?.ToString()));
        if (kind != ProviderKind.Ollama)
        {
            Assert.Equal(["call_a", "call_b"], calls.Select(c => c.CallId));
        }
        if (kind is ProviderKind.OpenAI or ProviderKind.OpenAICompatible)
        {
            Assert.True(server.Requests[0].Json.GetProperty("parallel_tool_calls").GetBoolean());
        }
    }

    [Theory]
    [InlineData(ProviderKind.OpenAI)]
    [InlineData(ProviderKind.OpenAICompatible)]
    public async Task InterleavedToolCallFragments_AreAssembledPerCall(ProviderKind kind)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.CallTools(
            new ScriptedToolCall("read_file", """{"path":"a/first.txt"}"""),
            new ScriptedToolCall("read_file", """{"path":"b/second.txt"}"""),
            new ScriptedToolCall("grep", """{"pattern":"x","path":"c"}""")) with { ChunkSize = 2, InterleaveToolCalls = true });
        using var client = Create(Vendors.ConfigFor(kind, server));

        var response = await CallAsync(client, streaming: true, s_tools);

        Assert.Equal(["a/first.txt", "b/second.txt", "c"], Calls(response).Select(c => c.Arguments?["path"]?.ToString()));
    }

    [Theory]
    [MemberData(nameof(VendorsAndModes))]
    public async Task ToolResult_GoesBackInTheVendorsWireShape(Vendor vendor, bool streaming)
    {
        var kind = Use(vendor);
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.CallTool("read_file", """{"path":"a.txt"}""", id: "call_77"), ScriptedTurn.Reply("the file says hi"));
        using var client = Create(Vendors.ConfigFor(kind, server));
        var history = new List<ChatMessage> { new(ChatRole.User, "read a.txt") };

        var first = await CallAsync(client, streaming, s_tools);
        var call = Assert.Single(Calls(first));
        history.AddRange(first.Messages);
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "hi from a.txt")]));
        var second = streaming
            ? await client.GetStreamingResponseAsync(history, s_tools, Ct).ToChatResponseAsync(Ct)
            : await client.GetResponseAsync(history, s_tools, Ct);

        Assert.Equal("the file says hi", second.Text);
        if (server.Requests[1].Protocol == ModelProtocol.OpenAIResponses)
        {
            var input = server.Requests[1].Json.GetProperty("input").EnumerateArray().ToList();
            Assert.Equal(("function_call_output", "call_77", "hi from a.txt"),
                (input[^1].GetProperty("type").GetString(), input[^1].GetProperty("call_id").GetString(), input[^1].GetProperty("output").GetString()));
            Assert.Equal(("function_call", "call_77"), (input[^2].GetProperty("type").GetString(), input[^2].GetProperty("call_id").GetString()));
            return;
        }
        var messages = server.Requests[1].Json.GetProperty("messages").EnumerateArray().ToList();
        switch (kind)
        {
            case ProviderKind.Anthropic:
                var block = messages[^1].GetProperty("content").EnumerateArray().Single();
                Assert.Equal(("user", "tool_result", "call_77"),
                    (messages[^1].GetProperty("role").GetString(), block.GetProperty("type").GetString(), block.GetProperty("tool_use_id").GetString()));
                Assert.Contains("hi from a.txt", block.GetProperty("content").GetRawText(), StringComparison.Ordinal);
                Assert.Equal("tool_use", messages[^2].GetProperty("content").EnumerateArray().Single().GetProperty("type").GetString());
                break;
            case ProviderKind.Ollama:
                Assert.Equal("tool", messages[^1].GetProperty("role").GetString());
                Assert.Equal("hi from a.txt", JsonDocument.Parse(messages[^1].GetProperty("content").GetString()!).RootElement.GetProperty("result").GetString());
                Assert.Equal("read_file", messages[^2].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("name").GetString());
                break;
            default:
                Assert.Equal(("tool", "call_77", "hi from a.txt"),
                    (messages[^1].GetProperty("role").GetString(), messages[^1].GetProperty("tool_call_id").GetString(), messages[^1].GetProperty("content").GetString()));
                Assert.Equal("call_77", messages[^2].GetProperty("tool_calls")[0].GetProperty("id").GetString());
                break;
        }
    }

    [Theory]
    [MemberData(nameof(KeyedVendorsAndModes))]
    public async Task MalformedToolArguments_ArriveAsACallCarryingTheParseError(Vendor vendor, bool streaming)
    {
        var kind = Use(vendor);
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.CallTools(
            new ScriptedToolCall("read_file", """{"path": "unterminated"""),
            new ScriptedToolCall("grep", """{"pattern":"ok","path":"."}""")));
        using var client = Create(Vendors.ConfigFor(kind, server));

        var response = await CallAsync(client, streaming, s_tools);

        var calls = Calls(response);
        Assert.Equal(2, calls.Count);
        Assert.Equal("read_file", calls[0].Name);
        Assert.NotNull(calls[0].Exception);
        Assert.Null(calls[1].Exception);
        Assert.Equal("ok", calls[1].Arguments?["pattern"]?.ToString());
    }

    [Theory]
    [MemberData(nameof(VendorsAndModes))]
    public async Task UnknownToolName_IsPassedThroughForTheAgentToReject(Vendor vendor, bool streaming)
    {
        var kind = Use(vendor);
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.CallTool("delete_everything", """{"confirm":true}"""));
        using var client = Create(Vendors.ConfigFor(kind, server));

        var response = await CallAsync(client, streaming, s_tools);

        var call = Assert.Single(Calls(response));
        Assert.Equal("delete_everything", call.Name);
        Assert.Equal("True", call.Arguments?["confirm"]?.ToString(), ignoreCase: true);
    }

    [Theory]
    [MemberData(nameof(VendorsAndModes))]
    public async Task RateLimitedThenSuccess_WaitsTheRetryAfterThenAnswersOnce(Vendor vendor, bool streaming)
    {
        var kind = Use(vendor);
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.RateLimited(TimeSpan.FromSeconds(7)), ScriptedTurn.Reply("after the wait"));
        var time = new ObservedTimeProvider();
        var retries = new List<RetryEvent>();
        var retry = new RetryOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromSeconds(1), UseJitter = false, OnRetry = retries.Add };
        var tracker = new UsageTracker();
        using var client = Create(Vendors.ConfigFor(kind, server), retry, tracker, time);

        var call = CallAsync(client, streaming);
        var waited = await time.ElapseNextTimerAsync(Ct);
        var response = await call;

        Assert.Equal(TimeSpan.FromSeconds(7), waited);
        Assert.Equal("after the wait", response.Text);
        Assert.Equal(2, server.Requests.Count);
        var retried = Assert.Single(retries);
        Assert.Equal((1, TimeSpan.FromSeconds(7)), (retried.Attempt, retried.Delay));
        Assert.Equal(ProviderErrorKind.RateLimited, Assert.IsType<ProviderException>(retried.Error).Kind);
        Assert.Equal(1, tracker.Snapshot.Calls);
    }

    [Theory]
    [InlineData(Vendor.AnthropicNative)]
    [InlineData(Vendor.OpenAI)]
    public async Task RetryAfterAsAnHttpDate_WaitsUntilThatTime(Vendor vendor)
    {
        var kind = Use(vendor);
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        var time = new ObservedTimeProvider();
        server.Enqueue(ScriptedTurn.RateLimitedUntil(time.GetUtcNow().AddSeconds(12)), ScriptedTurn.Reply("ok"));
        using var client = Create(Vendors.ConfigFor(kind, server), new RetryOptions { MaxAttempts = 2 }, time: time);

        var call = CallAsync(client, streaming: true);
        var waited = await time.ElapseNextTimerAsync(Ct);

        Assert.Equal("ok", (await call).Text);
        Assert.Equal(TimeSpan.FromSeconds(12), waited);
    }

    [Theory]
    [MemberData(nameof(VendorsAndModes))]
    public async Task ConnectionDroppedBeforeAnyOutput_IsRetriedAndTheCallerSeesOneCleanAnswer(Vendor vendor, bool streaming)
    {
        var kind = Use(vendor);
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.DropConnection(), ScriptedTurn.Reply("complete answer", new ScriptedUsage(40, 4)));
        var tracker = new UsageTracker();
        using var client = Create(Vendors.ConfigFor(kind, server), tracker: tracker);

        var response = await CallAsync(client, streaming);

        Assert.Equal("complete answer", response.Text);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal((1, 40, 4), (tracker.Snapshot.Calls, tracker.Snapshot.InputTokens, tracker.Snapshot.OutputTokens));
    }

    [Theory]
    [MemberData(nameof(Vendors.All), MemberType = typeof(Vendors))]
    public async Task StreamDroppedAfterText_FailsWithANetworkErrorAndIsNotReplayed(Vendor vendor)
    {
        var kind = Use(vendor);
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.DropConnection("partial answer"), ScriptedTurn.Reply("must not be sent"));
        using var client = Create(Vendors.ConfigFor(kind, server));

        var seen = new System.Text.StringBuilder();
        var error = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hello", null, Ct))
            {
                seen.Append(update.Text);
            }
        });

        Assert.Equal("partial answer", seen.ToString());
        Assert.Equal(ProviderErrorKind.Network, error.Kind);
        Assert.Contains("dropped mid-response", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
        Assert.Equal(1, server.PendingTurns);
    }

    [Theory]
    [MemberData(nameof(Vendors.All), MemberType = typeof(Vendors))]
    public async Task ErrorEventBeforeAnyText_IsRetried(Vendor vendor)
    {
        var kind = Use(vendor);
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.ErrorMidStream(), ScriptedTurn.Reply("second time lucky"));
        using var client = Create(Vendors.ConfigFor(kind, server));

        var response = await CallAsync(client, streaming: true);

        Assert.Equal("second time lucky", response.Text);
        Assert.Equal(2, server.Requests.Count);
    }

    [Theory]
    [MemberData(nameof(Vendors.All), MemberType = typeof(Vendors))]
    public async Task ErrorEventAfterText_FailsAsServerUnavailable(Vendor vendor)
    {
        var kind = Use(vendor);
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.ErrorMidStream("half an answer"));
        using var client = Create(Vendors.ConfigFor(kind, server));

        var error = await Assert.ThrowsAsync<ProviderException>(() => CallAsync(client, streaming: true));

        Assert.Equal(ProviderErrorKind.ServerUnavailable, error.Kind);
        Assert.True(error.IsTransient);
        Assert.Single(server.Requests);
    }

    [Theory]
    [MemberData(nameof(VendorsAndModes))]
    public async Task ServerErrorsOnEveryAttempt_GiveUpWithServerUnavailable(Vendor vendor, bool streaming)
    {
        var kind = Use(vendor);
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.ServerError(), ScriptedTurn.ServerError(502), ScriptedTurn.Overloaded(), ScriptedTurn.Reply("too late"));
        using var client = Create(Vendors.ConfigFor(kind, server), Vendors.FastRetry(attempts: 3));

        var error = await Assert.ThrowsAsync<ProviderException>(() => CallAsync(client, streaming));

        Assert.Equal(ProviderErrorKind.ServerUnavailable, error.Kind);
        Assert.Equal(3, error.Attempts);
        Assert.EndsWith("(gave up after 3 attempts).", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count);
    }

    [Theory]
    [MemberData(nameof(KeyedVendorsAndModes))]
    public async Task BadKey_FailsAtOnceNamingTheKeyVariable(Vendor vendor, bool streaming)
    {
        var kind = Use(vendor);
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Unauthorized());
        var config = Vendors.ConfigFor(kind, server);
        using var client = Create(config);

        var error = await Assert.ThrowsAsync<ProviderException>(() => CallAsync(client, streaming));

        Assert.Equal(ProviderErrorKind.AuthenticationFailed, error.Kind);
        Assert.Equal(401, error.StatusCode);
        Assert.Contains($"check {config.ApiKeyVariable}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData(Vendor.AnthropicNative)]
    public async Task WrongKeyAgainstAServerThatChecksIt_NamesTheAnthropicKeyVariable(Vendor vendor)
    {
        Use(vendor);
        await using var server = await FakeModelServer.StartAsync(new FakeModelServerOptions { ExpectedApiKey = "sk-the-right-one" }, Ct);
        server.Enqueue(ScriptedTurn.Reply("unreachable"));
        using var client = Create(Vendors.ConfigFor(ProviderKind.Anthropic, server));

        var error = await Assert.ThrowsAsync<ProviderException>(() => CallAsync(client, streaming: true));

        Assert.StartsWith("Anthropic rejected the API key (HTTP 401 authentication_error: invalid x-api-key): check ANTHROPIC_API_KEY.", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.PendingTurns);
    }

    [Theory]
    [MemberData(nameof(VendorsAndModes))]
    public async Task UnknownModel_FailsWithModelNotFoundNamingTheModel(Vendor vendor, bool streaming)
    {
        var kind = Use(vendor);
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.ModelNotFound());
        var config = Vendors.ConfigFor(kind, server, model: kind switch
        {
            ProviderKind.Anthropic => "claude-imaginary-9",
            ProviderKind.OpenAI => "gpt-imaginary-9",
            _ => "imaginary-9",
        });
        using var client = Create(config);

        var error = await Assert.ThrowsAsync<ProviderException>(() => CallAsync(client, streaming));

        Assert.Equal(ProviderErrorKind.ModelNotFound, error.Kind);
        Assert.Contains($"'{config.Model}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(kind == ProviderKind.Ollama ? "run `ollama pull imaginary-9`" : "--model or FORGE_MODEL", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Theory]
    [MemberData(nameof(VendorsAndModes))]
    public async Task ContextTooLong_FailsWithContextTooLongAndSaysToCompact(Vendor vendor, bool streaming)
    {
        var kind = Use(vendor);
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.ContextLengthExceeded());
        var config = Vendors.ConfigFor(kind, server);
        using var client = Create(config);

        var error = await Assert.ThrowsAsync<ProviderException>(() => CallAsync(client, streaming));

        Assert.Equal(ProviderErrorKind.ContextTooLong, error.Kind);
        Assert.False(error.IsTransient);
        Assert.Contains("run /compact or start a new session", error.Message, StringComparison.Ordinal);
        if (config.ModelInfo is { } info)
        {
            Assert.Contains($"{info.ContextWindow:N0}-token context window", error.Message, StringComparison.Ordinal);
        }
        Assert.Single(server.Requests);
    }

    [Theory]
    [MemberData(nameof(Vendors.All), MemberType = typeof(Vendors))]
    public async Task UnreachableServer_SaysWhereItLookedAndWhatToSet(Vendor vendor)
    {
        var kind = Use(vendor);
        var port = FreePort();
        var env = new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = "k",
            ["ANTHROPIC_API_KEY"] = "k",
            ["OPENAI_BASE_URL"] = $"http://127.0.0.1:{port}/v1",
            ["ANTHROPIC_BASE_URL"] = $"http://127.0.0.1:{port}",
            ["OLLAMA_HOST"] = $"127.0.0.1:{port}",
        };
        var provider = kind switch
        {
            ProviderKind.OpenAI => "openai",
            ProviderKind.Anthropic => "anthropic",
            ProviderKind.Ollama => "ollama",
            _ => "openai-compatible",
        };
        var config = new ProviderResolver(n => env.GetValueOrDefault(n)).Resolve(new ProviderOptions(provider, kind == ProviderKind.OpenAICompatible ? "m" : null));
        using var client = Create(config, Vendors.FastRetry(attempts: 2));

        var error = await Assert.ThrowsAsync<ProviderException>(() => CallAsync(client, streaming: true));

        Assert.Equal(ProviderErrorKind.Network, error.Kind);
        Assert.Equal(2, error.Attempts);
        Assert.StartsWith($"Cannot reach {(kind == ProviderKind.Ollama ? "Ollama" : config.DisplayName)} at http://127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains(kind switch
        {
            ProviderKind.Ollama => "start it with `ollama serve`, or set OLLAMA_HOST",
            ProviderKind.Anthropic => "ANTHROPIC_BASE_URL",
            _ => "OPENAI_BASE_URL",
        }, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [MemberData(nameof(Vendors.All), MemberType = typeof(Vendors))]
    public async Task ConcurrentCalls_UsageTotalsAreExact(Vendor vendor)
    {
        var kind = Use(vendor);
        const int Calls = 12;
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        for (var i = 1; i <= Calls; i++)
        {
            server.Enqueue(ScriptedTurn.Reply($"answer {i}", new ScriptedUsage(InputTokens: 1000 * i, OutputTokens: 10 * i)));
        }
        var config = Vendors.ConfigFor(kind, server);
        var tracker = new UsageTracker();
        using var client = Create(config, tracker: tracker);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var calls = Enumerable.Range(0, Calls).Select(i => Task.Run(async () =>
        {
            await start.Task; // all calls are in flight together, without blocking pool threads
            return (await CallAsync(client, streaming: i % 2 == 0)).Text;
        }, Ct)).ToArray();
        start.SetResult();
        var answers = await Task.WhenAll(calls);

        var expectedInput = Enumerable.Range(1, Calls).Sum(i => 1000L * i);
        var expectedOutput = Enumerable.Range(1, Calls).Sum(i => 10L * i);
        var totals = tracker.Snapshot;
        Assert.Equal(Enumerable.Range(1, Calls).Select(i => $"answer {i}").Order(), answers.Order());
        Assert.Equal((Calls, expectedInput, expectedOutput), (totals.Calls, totals.InputTokens, totals.OutputTokens));
        var price = kind == ProviderKind.Ollama ? ModelPrice.Free : config.ModelInfo?.Price;
        Assert.Equal(price?.Cost(expectedInput, expectedOutput) ?? 0m, totals.Cost);
        Assert.Equal(kind == ProviderKind.OpenAICompatible ? Calls : 0, totals.UnpricedCalls);
        Assert.Equal(Calls, server.Requests.Count);
    }

    [Theory]
    [InlineData(Vendor.AnthropicNative, false)]
    [InlineData(Vendor.AnthropicNative, true)]
    public async Task AnthropicCacheReadsAndWrites_ArePricedAtTheirOwnRates(Vendor vendor, bool streaming)
    {
        Use(vendor);
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("cached", new ScriptedUsage(10_000, 500, CachedInputTokens: 6_000, CacheWriteTokens: 3_000)));
        var config = Vendors.ConfigFor(ProviderKind.Anthropic, server);
        using var client = Create(config);

        var response = await CallAsync(client, streaming);

        var expected = new CallUsage(config.Model, 10_000, 500, 6_000, 3_000, config.ModelInfo!.Price!.Cost(10_000, 500, 6_000, 3_000));
        if (!streaming)
        {
            Assert.Equal(expected, UsageTrackingChatClient.GetCallUsage(response));
        }
        var totals = client.GetService<UsageTracker>()!.Snapshot;
        Assert.Equal((1, 10_000, 500, 6_000, 3_000, expected.Cost), (totals.Calls, totals.InputTokens, totals.OutputTokens, totals.CachedInputTokens, totals.CacheWriteTokens, (decimal?)totals.Cost));
    }

    [Fact]
    public async Task Create_ForAnthropic_UsesTheBuiltInMessagesClient()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        using var client = Create(Vendors.ConfigFor(ProviderKind.Anthropic, server));

        Assert.NotNull(client.GetService<AnthropicMessagesClient>());
    }

    [Fact]
    public async Task Client_ExposesItsConfigurationAndTracker()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        var config = Vendors.ConfigFor(ProviderKind.OpenAI, server);
        var tracker = new UsageTracker();
        using var client = Create(config, tracker: tracker);

        Assert.Same(config, client.GetService<ProviderConfig>());
        Assert.Same(tracker, client.GetService<UsageTracker>());
        Assert.NotNull(client.GetService<RetryingChatClient>());
        Assert.NotNull(client.GetService<ErrorMappingChatClient>());
    }

    [Fact]
    public async Task Dispose_LeavesACallerSuppliedHandlerUsable()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("one"), ScriptedTurn.Reply("two"));
        using var handler = new SocketsHttpHandler();
        var config = Vendors.ConfigFor(ProviderKind.OpenAI, server);
        var options = new ChatClientFactoryOptions { HttpHandler = handler, Retry = RetryOptions.NoRetries };

        using (var first = ChatClientFactory.Create(config, options))
        {
            Assert.Equal("one", (await first.GetResponseAsync("hi", cancellationToken: Ct)).Text);
        }
        using var second = ChatClientFactory.Create(config, options);

        Assert.Equal("two", (await second.GetResponseAsync("hi", cancellationToken: Ct)).Text);
    }

    [Fact]
    public void Create_AnthropicConfigWithoutKey_IsRejected()
    {
        var config = new ProviderConfig
        {
            Kind = ProviderKind.Anthropic,
            Model = "claude-sonnet-4-6",
            BaseUrl = new Uri("http://127.0.0.1:1"),
            BaseUrlVariable = "ANTHROPIC_BASE_URL",
            DisplayName = "Anthropic",
        };

        Assert.Throws<ArgumentException>(() => ChatClientFactory.Create(config));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
