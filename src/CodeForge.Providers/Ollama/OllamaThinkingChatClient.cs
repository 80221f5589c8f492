using Microsoft.Extensions.AI;
using OllamaSharp.Models.Chat;

namespace CodeForge.Providers.Ollama;

/// <summary>
/// Asks an Ollama model to think as the user configured it, through the native <c>/api/chat</c> <c>think</c> field:
/// <c>true</c>/<c>false</c>, or the levels <c>low</c>/<c>medium</c>/<c>high</c> for the models that take them
/// (gpt-oss). OllamaSharp turns the message's <c>thinking</c> text into a <see cref="TextReasoningContent"/>, which
/// forge shows as thinking.
/// </summary>
/// <remarks>
/// <para>A request's own <see cref="ChatOptions.Reasoning"/> wins over the configuration. With neither, or a
/// configuration that says nothing (no effort, no budget, <c>alwaysThinkingEnabled</c> unset), no <c>think</c> is sent
/// and the model does what it does by default. <see cref="ReasoningEffort.None"/> or a budget of 0 sends
/// <c>false</c>. A caller's <see cref="ChatOptions.RawRepresentationFactory"/> is kept (its <c>think</c> wins).</para>
/// <para>Concurrency: immutable; it clones each request's options, so concurrent calls are safe.</para>
/// </remarks>
internal sealed class OllamaThinkingChatClient(IChatClient innerClient, string model, ReasoningConfig? reasoning) : DelegatingChatClient(innerClient)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, Prepare(options), cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, Prepare(options), cancellationToken);

    /// <summary>The <c>think</c> value for a request to <paramref name="modelId"/>, or null to send none.</summary>
    internal static ThinkValue? ThinkFor(string modelId, ReasoningConfig? config, ReasoningOptions? perRequest)
    {
        ReasoningEffort? effort;
        if (perRequest?.Effort is { } requested)
        {
            effort = requested;
        }
        else if (config is null)
        {
            return null;
        }
        else if (config.MaxThinkingTokens == 0)
        {
            return false;
        }
        else
        {
            effort = config.Effort ?? OpenAIChat.OpenAIChatClient.EffortFor(config with { Effort = null });
            if (effort is null)
            {
                return config.AlwaysThinking is { } always ? always : null;
            }
        }
        if (effort == ReasoningEffort.None)
        {
            return false;
        }
        if (!TakesLevels(modelId))
        {
            return true;
        }
        return effort switch
        {
            ReasoningEffort.Low => new ThinkValue(ThinkValue.Low),
            ReasoningEffort.Medium => new ThinkValue(ThinkValue.Medium),
            _ => new ThinkValue(ThinkValue.High),
        };
    }

    /// <summary>Whether the model takes effort levels instead of a boolean (gpt-oss).</summary>
    internal static bool TakesLevels(string modelId)
    {
        var id = modelId.Trim().ToLowerInvariant();
        id = id[(id.LastIndexOf('/') + 1)..];
        return id.StartsWith("gpt-oss", StringComparison.Ordinal);
    }

    private ChatOptions? Prepare(ChatOptions? options)
    {
        var think = ThinkFor(options?.ModelId ?? model, reasoning, options?.Reasoning);
        if (think is null)
        {
            return options;
        }
        var prepared = options?.Clone() ?? new ChatOptions();
        // OllamaSharp maps Reasoning itself where it can; the raw request below says exactly what forge means.
        prepared.Reasoning = null;
        var callerFactory = prepared.RawRepresentationFactory;
        prepared.RawRepresentationFactory = client =>
        {
            var raw = callerFactory?.Invoke(client) as ChatRequest ?? new ChatRequest();
            raw.Think ??= think;
            return raw;
        };
        return prepared;
    }
}
