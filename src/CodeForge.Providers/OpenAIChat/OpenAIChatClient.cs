using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers.OpenAIChat;

/// <summary>
/// A client for OpenAI Chat Completions (<c>POST {base}/chat/completions</c>), also for OpenAI-compatible servers
/// (Ollama's <c>/v1</c>, LM Studio, vLLM, OpenRouter…), written against <see cref="HttpClient"/> with source-generated
/// System.Text.Json only, so it is small in the Native AOT build (the official SDK's serialization context roots every
/// model type it has). Streams server-sent <c>chat.completion.chunk</c>s up to <c>data: [DONE]</c>, assembles each tool
/// call from its argument fragments (keyed by <c>index</c>, so interleaved parallel calls come out whole), and reports
/// usage with cached prompt tokens and reasoning tokens.
/// </summary>
/// <remarks>
/// <para>Mapping: <see cref="ChatOptions.Instructions"/> and system messages become <c>system</c> messages; user text
/// and images (<see cref="DataContent"/>/<see cref="UriContent"/> with an <c>image/*</c> type, as <c>image_url</c>
/// parts); assistant text and <c>tool_calls</c>; each <see cref="FunctionResultContent"/> a <c>tool</c> message with
/// its <c>tool_call_id</c>. Reasoning contents are not sent (the API has no field for them). With tools,
/// <see cref="ChatOptions.AllowMultipleToolCalls"/> is sent as <c>parallel_tool_calls</c> and the tool mode as
/// <c>tool_choice</c>. <see cref="ChatOptions.MaxOutputTokens"/> is <c>max_completion_tokens</c>. Arguments that are
/// not a JSON object yield a <see cref="FunctionCallContent"/> whose <see cref="FunctionCallContent.Exception"/> says
/// why, so the agent can tell the model.</para>
/// <para>Request tweaks (formerly a decorator over the SDK adapter): a reasoning model (<see cref="IsReasoningModel"/>)
/// gets <c>reasoning_effort</c>, the request's <see cref="ChatOptions.Reasoning"/> effort (sent for any model, as the
/// SDK adapter did) or else the configured one (<see cref="EffortFor"/>); with prompt caching, the request's
/// <see cref="ChatClientFactory.PromptCacheKeyProperty"/> or the configured key is sent as <c>prompt_cache_key</c>.</para>
/// <para>Errors: an error status becomes a <c>ProviderHttpException</c> (status, body, <c>Retry-After</c>), an in-stream
/// <c>{"error":…}</c> chunk an <see cref="OpenAIStreamErrorException"/>, a chunk that is not JSON a
/// <see cref="JsonException"/> that quotes it; <see cref="ErrorMappingChatClient"/> above turns them into user-facing
/// messages and <see cref="RetryingChatClient"/> retries. A stream that ends without a finish reason ends without a
/// final update, which the error mapping reports as a cut-off response.</para>
/// <para>Concurrency: immutable after construction; every call has its own state, so concurrent calls are safe (the
/// <see cref="HttpClient"/> is thread-safe). It does not own the <see cref="HttpClient"/>.</para>
/// </remarks>
public sealed class OpenAIChatClient : IChatClient
{
    private readonly OpenAIConnection _connection;

    /// <summary>Creates a client for <paramref name="model"/> at <paramref name="baseUrl"/> (the API root including
    /// <c>/v1</c>; <c>chat/completions</c> is appended). <paramref name="apiKey"/> null sends no
    /// <c>Authorization</c> header.</summary>
    public OpenAIChatClient(HttpClient http, Uri baseUrl, string? apiKey, string model,
        bool promptCaching = false, string? promptCacheKey = null, ReasoningConfig? reasoning = null) =>
        _connection = new OpenAIConnection(http, baseUrl, "chat/completions", apiKey, model, promptCaching, promptCacheKey, reasoning);

    /// <summary>Whether <paramref name="model"/> takes a reasoning effort: the o-series and the GPT-5 family
    /// (provider prefixes such as <c>openai/</c> ignored).</summary>
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
    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = BuildRequest(messages, options, stream: false);
        var completion = await _connection.GetAsync(Serialize(request), OpenAIChatJsonContext.Default.ChatCompletionResponse,
            "a chat completion", cancellationToken).ConfigureAwait(false);
        if (completion.Error is { } error)
        {
            throw new OpenAIStreamErrorException(error.CodeText, error.Message);
        }
        var choice = completion.Choices?.FirstOrDefault()
            ?? throw new JsonException("The chat completion has no choices.");
        var contents = new List<AIContent>();
        if (choice.Message is { } message)
        {
            if (!string.IsNullOrEmpty(message.Content))
            {
                contents.Add(new TextContent(message.Content));
            }
            if (!string.IsNullOrEmpty(message.Refusal))
            {
                contents.Add(new TextContent(message.Refusal));
            }
            foreach (var call in message.ToolCalls ?? [])
            {
                contents.Add(OpenAIShared.ToolCall(call.Id ?? "", call.Function?.Name ?? "", call.Function?.Arguments));
            }
        }
        return ProviderWire.Response(contents, ToUsage(completion.Usage), completion.Id, completion.Model ?? request.Model,
            completion.Created is { } created ? DateTimeOffset.FromUnixTimeSeconds(created) : null,
            ToFinishReason(choice.FinishReason), completion);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = BuildRequest(messages, options, stream: true);
        string? id = null;
        var modelId = request.Model;
        string? finishReason = null;
        var done = false;
        UsageDetails? usage = null;
        // Calls by their index: fragments of several calls may interleave.
        var calls = new SortedDictionary<int, (string Id, string Name, StringBuilder Arguments)>();

        ChatResponseUpdate Update(params AIContent[] contents) => ProviderWire.Update(id, modelId, contents);

        await foreach (var (_, chunk) in _connection.StreamAsync(Serialize(request), OpenAIChatJsonContext.Default.ChatCompletionResponse,
            cancellationToken).ConfigureAwait(false))
        {
            if (chunk is null)
            {
                // data: [DONE]
                done = true;
                break;
            }
            if (chunk.Error is { } error)
            {
                throw new OpenAIStreamErrorException(error.CodeText, error.Message);
            }
            id ??= chunk.Id;
            modelId = chunk.Model ?? modelId;
            usage = ToUsage(chunk.Usage) ?? usage;
            var choice = chunk.Choices?.FirstOrDefault();
            if (choice is null)
            {
                continue;
            }
            finishReason = choice.FinishReason ?? finishReason;
            if (choice.Delta is not { } delta)
            {
                continue;
            }
            if (!string.IsNullOrEmpty(delta.Content))
            {
                yield return Update(new TextContent(delta.Content));
            }
            if (!string.IsNullOrEmpty(delta.Refusal))
            {
                yield return Update(new TextContent(delta.Refusal));
            }
            foreach (var fragment in delta.ToolCalls ?? [])
            {
                var index = fragment.Index ?? 0;
                if (!calls.TryGetValue(index, out var call))
                {
                    call = (fragment.Id ?? "", fragment.Function?.Name ?? "", new StringBuilder());
                }
                call = (string.IsNullOrEmpty(call.Id) ? fragment.Id ?? "" : call.Id,
                    string.IsNullOrEmpty(call.Name) ? fragment.Function?.Name ?? "" : call.Name,
                    call.Arguments.Append(fragment.Function?.Arguments));
                calls[index] = call;
            }
        }

        if (finishReason is null && !done)
        {
            // Cut off (no finish reason): no final update, so the error mapping above reports it.
            yield break;
        }
        var contents = new List<AIContent>();
        foreach (var call in calls.Values)
        {
            contents.Add(OpenAIShared.ToolCall(call.Id, call.Name, call.Arguments.ToString()));
        }
        if (usage is not null)
        {
            contents.Add(new UsageContent(usage));
        }
        var final = Update([.. contents]);
        final.FinishReason = ToFinishReason(finishReason) ?? (calls.Count > 0 ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop);
        yield return final;
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        ProviderWire.GetService(this, _connection.Metadata, serviceType, serviceKey);

    /// <inheritdoc/>
    public void Dispose()
    {
        // The HttpClient belongs to the caller.
    }

    /// <summary>The request body for <paramref name="messages"/> and <paramref name="options"/>.</summary>
    internal ChatCompletionRequest BuildRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var wire = new List<ChatWireMessage>();
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            wire.Add(new ChatWireMessage { Role = "system", Content = OpenAIShared.StringElement(options.Instructions) });
        }
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System)
            {
                wire.Add(new ChatWireMessage { Role = "system", Content = OpenAIShared.StringElement(message.Text) });
                continue;
            }
            if (message.Role == ChatRole.Assistant)
            {
                var text = string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));
                var toolCalls = message.Contents.OfType<FunctionCallContent>()
                    .Select(call => new ChatWireToolCall
                    {
                        Id = call.CallId,
                        Type = "function",
                        Function = new ChatWireCallFunction { Name = call.Name, Arguments = ProviderWire.ArgumentsJson(call) },
                    })
                    .ToList();
                if (text.Length > 0 || toolCalls.Count > 0)
                {
                    wire.Add(new ChatWireMessage
                    {
                        Role = "assistant",
                        Content = text.Length > 0 ? OpenAIShared.StringElement(text) : null,
                        ToolCalls = toolCalls.Count > 0 ? toolCalls : null,
                    });
                }
                continue;
            }

            // User and tool messages: results become tool messages, the rest user content.
            var parts = new List<ChatWirePart>();
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case FunctionResultContent result:
                        wire.Add(new ChatWireMessage
                        {
                            Role = "tool",
                            ToolCallId = result.CallId,
                            Content = OpenAIShared.StringElement(ProviderWire.ResultText(result)),
                        });
                        break;
                    case TextContent { Text.Length: > 0 } text:
                        parts.Add(new ChatWirePart { Type = "text", Text = text.Text });
                        break;
                    default:
                        if (OpenAIShared.ImageUrl(content) is { } url)
                        {
                            parts.Add(new ChatWirePart { Type = "image_url", ImageUrl = new ChatWireImageUrl { Url = url } });
                        }
                        break;
                }
            }
            if (parts.Count > 0)
            {
                wire.Add(new ChatWireMessage
                {
                    Role = "user",
                    Content = parts.All(p => p.Type == "text")
                        ? OpenAIShared.StringElement(string.Concat(parts.Select(p => p.Text)))
                        : JsonSerializer.SerializeToElement(parts, OpenAIChatJsonContext.Default.ListChatWirePart),
                });
            }
        }

        List<ChatWireTool>? tools = null;
        JsonElement? toolChoice = null;
        bool? parallel = null;
        if (options?.Tools is { Count: > 0 } declared)
        {
            tools = [.. declared.OfType<AIFunctionDeclaration>().Select(f => new ChatWireTool
            {
                Function = new ChatWireFunction { Name = f.Name, Description = string.IsNullOrEmpty(f.Description) ? null : f.Description, Parameters = f.JsonSchema },
            })];
            if (tools.Count == 0)
            {
                tools = null;
            }
            else
            {
                parallel = options.AllowMultipleToolCalls;
                toolChoice = OpenAIShared.ToolChoice(options.ToolMode, static name => JsonSerializer.SerializeToElement(
                    new ChatWireTool { Function = new ChatWireFunction { Name = name } }, OpenAIChatJsonContext.Default.ChatWireTool));
            }
        }

        var model = options?.ModelId ?? _connection.Model;
        var effort = options?.Reasoning?.Effort ?? (IsReasoningModel(model) ? EffortFor(_connection.Reasoning) : null);
        return new ChatCompletionRequest
        {
            Model = model,
            Messages = wire,
            Tools = tools,
            ToolChoice = toolChoice,
            ParallelToolCalls = parallel,
            Temperature = options?.Temperature,
            TopP = options?.TopP,
            MaxCompletionTokens = options?.MaxOutputTokens,
            FrequencyPenalty = options?.FrequencyPenalty,
            PresencePenalty = options?.PresencePenalty,
            Seed = options?.Seed,
            Stop = options?.StopSequences is { Count: > 0 } stops ? [.. stops] : null,
            ReasoningEffort = effort is { } level ? OpenAIShared.EffortWireName(level) : null,
            PromptCacheKey = _connection.PromptCacheKeyFor(options),
            Stream = stream ? true : null,
            StreamOptions = stream ? new ChatStreamOptions { IncludeUsage = true } : null,
        };
    }

    private static byte[] Serialize(ChatCompletionRequest request) => JsonSerializer.SerializeToUtf8Bytes(request, OpenAIChatJsonContext.Default.ChatCompletionRequest);

    internal static ChatFinishReason? ToFinishReason(string? reason) => reason switch
    {
        null => null,
        "stop" => ChatFinishReason.Stop,
        "length" => ChatFinishReason.Length,
        "tool_calls" or "function_call" => ChatFinishReason.ToolCalls,
        "content_filter" => ChatFinishReason.ContentFilter,
        var other => new ChatFinishReason(other),
    };

    /// <summary>Usage: <c>prompt_tokens</c> is the whole prompt, of which <c>prompt_tokens_details.cached_tokens</c>
    /// were cache reads; <c>completion_tokens</c> include <c>completion_tokens_details.reasoning_tokens</c>.</summary>
    internal static UsageDetails? ToUsage(ChatWireUsage? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.PromptTokens,
        OutputTokenCount = usage.CompletionTokens,
        TotalTokenCount = usage.TotalTokens ?? (usage.PromptTokens ?? 0) + (usage.CompletionTokens ?? 0),
        CachedInputTokenCount = usage.PromptTokensDetails?.CachedTokens,
        ReasoningTokenCount = usage.CompletionTokensDetails?.ReasoningTokens,
    };
}
