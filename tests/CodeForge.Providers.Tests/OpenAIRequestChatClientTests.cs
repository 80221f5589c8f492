using CodeForge.Testing;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers.Tests;

/// <summary>OpenAI requests as the factory builds them: the prompt cache key and the reasoning effort reach the wire,
/// cached tokens are read and priced.</summary>
public sealed class OpenAIRequestChatClientTests
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
        // Chat Completions forced: by default these models go through the Responses API (see OpenAIResponsesRequestChatClientTests).
        using var client = Create(Vendors.ConfigFor(ProviderKind.OpenAI, server, model) with { OpenAIApi = OpenAIApi.ChatCompletions },
            reasoning: new ReasoningConfig { Effort = ReasoningEffort.High });

        await client.GetResponseAsync("hi", null, Ct);

        Assert.Equal(ModelProtocol.OpenAI, server.Requests[0].Protocol);
        Assert.Equal(reasoningModel, OpenAIRequestChatClient.IsReasoningModel(model));
        Assert.Equal(expected, server.Requests[0].Json.TryGetProperty("reasoning_effort", out var effort) ? effort.GetString() : null);
    }

    [Theory]
    [InlineData(2_000, ReasoningEffort.Low)]
    [InlineData(10_000, ReasoningEffort.Medium)]
    [InlineData(32_000, ReasoningEffort.High)]
    public void EffortFor_DerivesAnEffortFromABudget(int budget, ReasoningEffort expected) =>
        Assert.Equal(expected, OpenAIRequestChatClient.EffortFor(new ReasoningConfig { MaxThinkingTokens = budget }));
}
