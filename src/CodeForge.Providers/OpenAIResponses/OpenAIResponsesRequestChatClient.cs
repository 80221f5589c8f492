// The Responses surface of the OpenAI SDK and its Microsoft.Extensions.AI adapter is marked experimental (OPENAI001);
// it is the API OpenAI's reasoning models are meant to be used through, and its wire format is stable.
#pragma warning disable OPENAI001
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI.Responses;

namespace CodeForge.Providers.OpenAIResponses;

/// <summary>
/// An in-stream error event of the OpenAI Responses API (<c>event: error</c> or a failed response), which the
/// Microsoft.Extensions.AI adapter reports as an <see cref="ErrorContent"/> instead of throwing.
/// <see cref="ErrorMappingChatClient"/> maps it by <see cref="Code"/>.
/// </summary>
internal sealed class ResponsesStreamErrorException(string? code, string? errorMessage)
    : Exception($"OpenAI Responses stream error {code}: {errorMessage}")
{
    public string? Code { get; } = code;

    public string? ErrorMessage { get; } = errorMessage;
}

/// <summary>
/// What forge asks of the OpenAI Responses API (<c>POST /v1/responses</c>) on top of the Microsoft.Extensions.AI
/// adapter over the official SDK's <c>ResponsesClient</c>: sessions stay forge's (<c>store: false</c>, the whole
/// conversation sent each time, never a <c>previous_response_id</c>), reasoning models get their reasoning back across
/// turns (<c>include: ["reasoning.encrypted_content"]</c>; the adapter turns each reasoning item into a
/// <see cref="TextReasoningContent"/> whose <see cref="TextReasoningContent.ProtectedData"/> is the encrypted content
/// and whose item id rides in its additional properties, and sends both back as a <c>reasoning</c> input item), the
/// configured <c>reasoning.effort</c> with <c>summary: "auto"</c> (the summaries are the thinking forge shows), and the
/// session's <c>prompt_cache_key</c>.
/// </summary>
/// <remarks>
/// <para>A request's own <see cref="ChatOptions.Reasoning"/> effort wins over the configured one;
/// <see cref="ReasoningEffort.None"/> sends <c>effort: "none"</c>. A caller's
/// <see cref="ChatOptions.RawRepresentationFactory"/> is kept: the fields are set on the options it makes unless it set
/// them. Streamed error events become a <see cref="ResponsesStreamErrorException"/>, so the error mapping above gives
/// them the same messages as HTTP errors.</para>
/// <para>Usage: <c>input_tokens</c> (the whole prompt) with <c>cached_tokens</c>, and <c>output_tokens</c> with
/// <c>reasoning_tokens</c>, as <see cref="UsageDetails.CachedInputTokenCount"/> and
/// <see cref="UsageDetails.ReasoningTokenCount"/>.</para>
/// <para>Concurrency: immutable; it clones each request's options and never changes the caller's, so concurrent calls
/// are safe as far as the inner client is.</para>
/// </remarks>
public sealed class OpenAIResponsesRequestChatClient : DelegatingChatClient
{
    private readonly string _model;
    private readonly bool _promptCaching;
    private readonly string? _promptCacheKey;
    private readonly ReasoningConfig? _reasoning;

    /// <summary>Wraps <paramref name="inner"/> (the adapter over a <c>ResponsesClient</c>) for
    /// <paramref name="config"/>'s model.</summary>
    public OpenAIResponsesRequestChatClient(IChatClient inner, ProviderConfig config, bool promptCaching, string? promptCacheKey, ReasoningConfig? reasoning)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(config);
        _model = config.Model;
        _promptCaching = promptCaching;
        _promptCacheKey = promptCacheKey;
        _reasoning = reasoning;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, Prepare(options), cancellationToken).ConfigureAwait(false);
        if (response.Messages.SelectMany(m => m.Contents).OfType<ErrorContent>().FirstOrDefault() is { } error)
        {
            throw new ResponsesStreamErrorException(error.ErrorCode, error.Message);
        }
        response.ConversationId = null;
        // The adapter sets a finish reason only for incomplete responses when not streaming; streamed ones always get one.
        response.FinishReason ??= response.Messages.SelectMany(m => m.Contents).Any(c => c is FunctionCallContent)
            ? ChatFinishReason.ToolCalls
            : ChatFinishReason.Stop;
        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in base.GetStreamingResponseAsync(messages, Prepare(options), cancellationToken).ConfigureAwait(false))
        {
            if (update.Contents.OfType<ErrorContent>().FirstOrDefault() is { } error)
            {
                throw new ResponsesStreamErrorException(error.ErrorCode, error.Message);
            }
            update.ConversationId = null;
            yield return update;
        }
    }

    /// <summary>The effort a request asks for: its own, else the configured one (see
    /// <see cref="OpenAIRequestChatClient.EffortFor"/>), else none (the model's default).</summary>
    internal ReasoningEffort? EffortOf(ChatOptions? options) => options?.Reasoning?.Effort ?? OpenAIRequestChatClient.EffortFor(_reasoning);

    internal ChatOptions Prepare(ChatOptions? options)
    {
        var model = options?.ModelId ?? _model;
        var reasoningModel = OpenAIRequestChatClient.IsReasoningModel(model);
        var effort = reasoningModel ? EffortOf(options) : null;
        var key = _promptCaching
            ? options?.AdditionalProperties?.TryGetValue(ChatClientFactory.PromptCacheKeyProperty, out var given) == true && given is string text ? text : _promptCacheKey
            : null;

        var prepared = options?.Clone() ?? new ChatOptions();
        // forge keeps the conversation: never continue a server-side one.
        prepared.ConversationId = null;
        if (!reasoningModel)
        {
            // A reasoning setting means nothing to other models and some servers refuse it.
            prepared.Reasoning = null;
        }
        var callerFactory = prepared.RawRepresentationFactory;
        prepared.RawRepresentationFactory = client =>
        {
            var raw = callerFactory?.Invoke(client) as CreateResponseOptions ?? new CreateResponseOptions();
            raw.StoredOutputEnabled ??= false;
            if (reasoningModel)
            {
                if (!raw.IncludedProperties.Contains(IncludedResponseProperty.ReasoningEncryptedContent))
                {
                    raw.IncludedProperties.Add(IncludedResponseProperty.ReasoningEncryptedContent);
                }
                raw.ReasoningOptions ??= new ResponseReasoningOptions
                {
                    ReasoningEffortLevel = effort is { } level ? ToWire(level) : (ResponseReasoningEffortLevel?)null,
                    ReasoningSummaryVerbosity = ResponseReasoningSummaryVerbosity.Auto,
                };
            }
            if (!string.IsNullOrEmpty(key))
            {
                raw.PromptCacheKey ??= key;
            }
            return raw;
        };
        return prepared;
    }

    /// <summary>The wire name of an effort (<c>none</c>, <c>low</c>, <c>medium</c>, <c>high</c>, <c>xhigh</c>).</summary>
    internal static ResponseReasoningEffortLevel ToWire(ReasoningEffort effort) => effort switch
    {
        ReasoningEffort.None => ResponseReasoningEffortLevel.None,
        ReasoningEffort.Low => ResponseReasoningEffortLevel.Low,
        ReasoningEffort.Medium => ResponseReasoningEffortLevel.Medium,
        ReasoningEffort.High => ResponseReasoningEffortLevel.High,
        _ => ResponseReasoningEffortLevel.ExtraHigh,
    };
}
