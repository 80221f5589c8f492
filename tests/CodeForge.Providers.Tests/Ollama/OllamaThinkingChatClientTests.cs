using System.Text.Json;
using CodeForge.Testing;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers.Tests.Ollama;

/// <summary>Ollama's native <c>think</c> against the fake server's <c>/api/chat</c>: what reaches the request for each
/// configuration, and the thinking text coming back as reasoning.</summary>
public sealed class OllamaThinkingChatClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IChatClient Create(FakeModelServer server, string model, ReasoningConfig? reasoning) =>
        ChatClientFactory.Create(Vendors.ConfigFor(ProviderKind.Ollama, server, model),
            new ChatClientFactoryOptions { Retry = Vendors.FastRetry(1), Reasoning = reasoning });

    private static string? Think(RecordedRequest request) =>
        request.Json.TryGetProperty("think", out var think) ? think.ValueKind == JsonValueKind.String ? think.GetString() : think.GetRawText() : null;

    [Theory]
    [InlineData("qwen3", "high", "true")]
    [InlineData("qwen3", "none", "false")]
    [InlineData("gpt-oss:20b", "low", "low")]
    [InlineData("gpt-oss:20b", "max", "high")]
    public async Task TheConfiguredEffort_ReachesTheThinkField(string model, string effort, string expected)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"));
        using var client = Create(server, model, new ReasoningConfig { Effort = ReasoningConfig.ParseEffort(effort) });

        await client.GetResponseAsync("hi", null, Ct);

        Assert.Equal(expected, Think(server.Requests[0]));
    }

    [Fact]
    public async Task WithoutAnyThinkingSetting_NoThinkFieldIsSent()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"), ScriptedTurn.Reply("ok"));
        using (var unset = Create(server, "qwen3", null))
        {
            await unset.GetResponseAsync("hi", null, Ct);
        }
        using (var empty = Create(server, "qwen3", new ReasoningConfig()))
        {
            await empty.GetResponseAsync("hi", null, Ct);
        }

        Assert.All(server.Requests, r => Assert.Null(Think(r)));
    }

    [Theory]
    [InlineData(0, null, "false")]
    [InlineData(8_000, null, "true")]
    [InlineData(null, true, "true")]
    [InlineData(null, false, "false")]
    public async Task ABudgetOrAlwaysThinking_TurnsThinkingOnOrOff(int? budget, bool? always, string expected)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"));
        using var client = Create(server, "deepseek-r1", new ReasoningConfig { MaxThinkingTokens = budget, AlwaysThinking = always });

        await client.GetResponseAsync("hi", null, Ct);

        Assert.Equal(expected, Think(server.Requests[0]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheThinkingText_ComesBackAsReasoning_BeforeTheAnswer(bool streaming)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(new ScriptedTurn { Thinking = [new ScriptedThinking("The user greets me; greet back.")], Text = "Hello!" });
        using var client = Create(server, "qwen3", new ReasoningConfig { Effort = ReasoningEffort.Medium });

        var response = streaming
            ? await client.GetStreamingResponseAsync("hi", null, Ct).ToChatResponseAsync(Ct)
            : await client.GetResponseAsync("hi", null, Ct);

        Assert.Equal("Hello!", response.Text);
        var thinking = string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text));
        Assert.Equal("The user greets me; greet back.", thinking);
    }
}
