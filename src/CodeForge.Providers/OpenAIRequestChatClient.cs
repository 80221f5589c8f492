using Microsoft.Extensions.AI;
using ChatCompletionOptions = OpenAI.Chat.ChatCompletionOptions;

namespace CodeForge.Providers;

/// <summary>
/// Adds what forge asks of OpenAI Chat Completions beyond the adapter's defaults: the configured reasoning effort
/// (<see cref="ChatOptions.Reasoning"/>, sent as <c>reasoning_effort</c>) for reasoning models (o-series, GPT-5
/// class), and the <c>prompt_cache_key</c> that keeps one session's requests on the same prompt cache.
/// </summary>
/// <remarks>
/// <para>A request's own <see cref="ChatOptions.Reasoning"/> wins; a request's
/// <see cref="ChatClientFactory.PromptCacheKeyProperty"/> wins over the key given here. A caller's
/// <see cref="ChatOptions.RawRepresentationFactory"/> is kept: the key is patched into the options it makes.
/// Cached prompt tokens come back in <c>usage.prompt_tokens_details.cached_tokens</c>, which the adapter already
/// reports as <see cref="UsageDetails.CachedInputTokenCount"/>.</para>
/// <para>Concurrency: immutable; it clones the options of each request and never changes the caller's, so
/// concurrent calls are safe.</para>
/// </remarks>
public sealed class OpenAIRequestChatClient : DelegatingChatClient
{
    private readonly string _model;
    private readonly bool _promptCaching;
    private readonly string? _promptCacheKey;
    private readonly ReasoningConfig? _reasoning;

    /// <summary>Wraps <paramref name="inner"/> (the OpenAI adapter) for <paramref name="config"/>'s model.</summary>
    public OpenAIRequestChatClient(IChatClient inner, ProviderConfig config, bool promptCaching, string? promptCacheKey, ReasoningConfig? reasoning)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(config);
        _model = config.Model;
        _promptCaching = promptCaching;
        _promptCacheKey = promptCacheKey;
        _reasoning = reasoning;
    }

    /// <summary>Whether <paramref name="model"/> takes <c>reasoning_effort</c>: the o-series and the GPT-5 family
    /// (also behind a router's vendor prefix).</summary>
    public static bool IsReasoningModel(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var id = model.Trim().ToLowerInvariant();
        id = id[(id.LastIndexOf('/') + 1)..];
        return id.StartsWith("gpt-5", StringComparison.Ordinal) || id.StartsWith("codex", StringComparison.Ordinal) ||
            (id.Length > 1 && id[0] == 'o' && char.IsAsciiDigit(id[1]));
    }

    /// <summary>The effort a <see cref="ReasoningConfig"/> asks of an OpenAI reasoning model: its effort, or one
    /// derived from its budget (≤ 4k low, ≤ 16k medium, more high); null leaves the model's default.</summary>
    public static ReasoningEffort? EffortFor(ReasoningConfig? config) => config switch
    {
        null => null,
        { Effort: { } effort } => effort,
        { MaxThinkingTokens: 0 } => ReasoningEffort.Low,
        { MaxThinkingTokens: <= 4_000 } => ReasoningEffort.Low,
        { MaxThinkingTokens: <= 16_000 } => ReasoningEffort.Medium,
        { MaxThinkingTokens: not null } => ReasoningEffort.High,
        _ => null,
    };

    /// <inheritdoc/>
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, Prepare(options), cancellationToken);

    /// <inheritdoc/>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, Prepare(options), cancellationToken);

    internal ChatOptions? Prepare(ChatOptions? options)
    {
        var model = options?.ModelId ?? _model;
        var effort = options?.Reasoning is null && IsReasoningModel(model) ? EffortFor(_reasoning) : null;
        var key = _promptCaching
            ? options?.AdditionalProperties?.TryGetValue(ChatClientFactory.PromptCacheKeyProperty, out var given) == true && given is string text ? text : _promptCacheKey
            : null;
        if (effort is null && string.IsNullOrEmpty(key))
        {
            return options;
        }
        var prepared = options?.Clone() ?? new ChatOptions();
        if (effort is { } level)
        {
            prepared.Reasoning = new ReasoningOptions { Effort = level };
        }
        if (!string.IsNullOrEmpty(key))
        {
            var callerFactory = prepared.RawRepresentationFactory;
            prepared.RawRepresentationFactory = client =>
            {
                var raw = callerFactory?.Invoke(client) as ChatCompletionOptions ?? new ChatCompletionOptions();
#pragma warning disable SCME0001 // JsonPatch is experimental; it is how the 2.x SDK sends fields it has no property for.
                raw.Patch.Set("$.prompt_cache_key"u8, key);
#pragma warning restore SCME0001
                return raw;
            };
        }
        return prepared;
    }
}
