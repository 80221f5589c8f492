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
        Assert.Equal("Be brief.\n\nYou are a test.", body.GetProperty("system").GetString());
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
}
