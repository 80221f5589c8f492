using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CodeForge.Providers.OpenAIChat;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers.OpenAIResponses;

/// <summary>
/// A client for the OpenAI Responses API (<c>POST {base}/responses</c>), written against <see cref="HttpClient"/> with
/// source-generated System.Text.Json only (see <see cref="OpenAIChatClient"/> for why). Sessions stay forge's:
/// <c>store: false</c>, the whole conversation sent each time, never a <c>previous_response_id</c>. Reasoning models
/// get their reasoning back across turns: <c>include: ["reasoning.encrypted_content"]</c>, each reasoning item becomes
/// a <see cref="TextReasoningContent"/> (its summary text) whose <see cref="TextReasoningContent.ProtectedData"/> is
/// the encrypted content and whose item id rides in <see cref="AIContent.AdditionalProperties"/> under
/// <see cref="ReasoningItemIdKey"/> (so it survives the session's JSON), and both go back as a <c>reasoning</c> input
/// item. They are asked for the configured <c>reasoning.effort</c> with <c>summary: "auto"</c> (the summaries are
/// the thinking forge shows).
/// </summary>
/// <remarks>
/// <para>Streaming: <c>response.output_text.delta</c> → text, <c>response.reasoning_summary_text.delta</c> and
/// <c>response.reasoning_text.delta</c> → reasoning, function calls assembled from
/// <c>response.function_call_arguments.delta</c> and emitted whole at <c>response.output_item.done</c>,
/// <c>response.completed</c> / <c>response.incomplete</c> → usage and the finish reason, <c>error</c> and
/// <c>response.failed</c> → an <see cref="OpenAIStreamErrorException"/>. A reasoning item streams as a content that
/// carries its id, its summary deltas, then a content that carries its encrypted content:
/// <c>ToChatResponse</c> coalesces them into one with both. Every update of one response has the response id as its
/// message id, so they make one assistant message.</para>
/// <para>Request tweaks: a reasoning model (<see cref="OpenAIChatClient.IsReasoningModel"/>) gets the request's own
/// <see cref="ChatOptions.Reasoning"/> effort, else the configured one (<see cref="ReasoningEffort.None"/> sends
/// <c>effort: "none"</c>); other models get no reasoning fields (some servers refuse them). With prompt caching the
/// request's <see cref="ChatClientFactory.PromptCacheKeyProperty"/> or the configured key is
/// <c>prompt_cache_key</c>. Only reasoning this client produced (it has an item id and encrypted content) is sent back;
/// another provider's thinking is not.</para>
/// <para>Usage: <c>input_tokens</c> (the whole prompt) with <c>input_tokens_details.cached_tokens</c>, and
/// <c>output_tokens</c> with <c>output_tokens_details.reasoning_tokens</c>, as
/// <see cref="UsageDetails.CachedInputTokenCount"/> and <see cref="UsageDetails.ReasoningTokenCount"/>. Errors as in
/// <see cref="OpenAIChatClient"/>.</para>
/// <para>Concurrency: immutable after construction; every call has its own state, so concurrent calls are safe (the
/// <see cref="HttpClient"/> is thread-safe). It does not own the <see cref="HttpClient"/>.</para>
/// </remarks>
public sealed class OpenAIResponsesClient : IChatClient
{
    /// <summary>The <see cref="AIContent.AdditionalProperties"/> key of a reasoning item's id (the key the
    /// Microsoft.Extensions.AI adapter used, so sessions saved before keep working).</summary>
    public const string ReasoningItemIdKey = "reasoningItemId";

    private readonly OpenAIConnection _connection;

    /// <summary>Creates a client for <paramref name="model"/> at <paramref name="baseUrl"/> (the API root including
    /// <c>/v1</c>; <c>responses</c> is appended). <paramref name="apiKey"/> null sends no <c>Authorization</c>
    /// header.</summary>
    public OpenAIResponsesClient(HttpClient http, Uri baseUrl, string? apiKey, string model,
        bool promptCaching = false, string? promptCacheKey = null, ReasoningConfig? reasoning = null) =>
        _connection = new OpenAIConnection(http, baseUrl, "responses", apiKey, model, promptCaching, promptCacheKey, reasoning);

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = BuildRequest(messages, options, stream: false);
        var result = await _connection.GetAsync(Serialize(request), OpenAIResponsesJsonContext.Default.ResponsesResponse,
            "a response", cancellationToken).ConfigureAwait(false);
        if (result.Error is { } error)
        {
            throw new OpenAIStreamErrorException(error.CodeText, error.Message);
        }

        var contents = new List<AIContent>();
        foreach (var item in result.Output ?? [])
        {
            switch (item.Type)
            {
                case "message":
                    foreach (var part in item.Content ?? [])
                    {
                        var shown = part.Type == "refusal" ? part.Refusal : part.Text;
                        if (!string.IsNullOrEmpty(shown))
                        {
                            contents.Add(new TextContent(shown));
                        }
                    }
                    break;
                case "reasoning":
                    contents.Add(Reasoning(item, SummaryText(item)));
                    break;
                case "function_call":
                    contents.Add(OpenAIShared.ToolCall(item.CallId ?? "", item.Name ?? "", item.Arguments));
                    break;
            }
        }
        return ProviderWire.Response(contents, ToUsage(result.Usage), result.Id, result.Model ?? request.Model,
            result.CreatedAt is { } created ? DateTimeOffset.FromUnixTimeSeconds(created) : null,
            FinishReason(result, contents.Any(c => c is FunctionCallContent)), result);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = BuildRequest(messages, options, stream: true);
        string? id = null;
        var modelId = request.Model;
        var anyCalls = false;
        var arguments = new Dictionary<int, StringBuilder>();

        ChatResponseUpdate Update(params AIContent[] contents) => ProviderWire.Update(id, modelId, contents);

        await foreach (var (eventType, e) in _connection.StreamAsync(Serialize(request), OpenAIResponsesJsonContext.Default.ResponsesStreamEvent,
            cancellationToken).ConfigureAwait(false))
        {
            if (e is null)
            {
                continue;
            }
            var type = e.Type ?? eventType;
            if (e.Response is { } current)
            {
                id = current.Id ?? id;
                modelId = current.Model ?? modelId;
            }
            switch (type)
            {
                case "response.output_item.added" when e.Item is { } item:
                    if (item.Type == "function_call")
                    {
                        anyCalls = true;
                        arguments[e.OutputIndex ?? 0] = new StringBuilder(item.Arguments);
                    }
                    else if (item.Type == "reasoning" && item.Id is not null)
                    {
                        // Opens the reasoning run: coalescing keeps the first content's properties.
                        yield return Update(new TextReasoningContent("") { AdditionalProperties = new() { [ReasoningItemIdKey] = item.Id } });
                    }
                    break;
                case "response.output_text.delta" or "response.refusal.delta" when !string.IsNullOrEmpty(e.Delta):
                    yield return Update(new TextContent(e.Delta));
                    break;
                case "response.reasoning_summary_text.delta" or "response.reasoning_text.delta" when !string.IsNullOrEmpty(e.Delta):
                    yield return Update(new TextReasoningContent(e.Delta));
                    break;
                case "response.function_call_arguments.delta":
                    if (!arguments.TryGetValue(e.OutputIndex ?? 0, out var partial))
                    {
                        arguments[e.OutputIndex ?? 0] = partial = new StringBuilder();
                    }
                    partial.Append(e.Delta);
                    break;
                case "response.output_item.done" when e.Item is { } item:
                    if (item.Type == "function_call")
                    {
                        anyCalls = true;
                        arguments.Remove(e.OutputIndex ?? 0, out var assembled);
                        var json = string.IsNullOrEmpty(item.Arguments) ? assembled?.ToString() : item.Arguments;
                        yield return Update(OpenAIShared.ToolCall(item.CallId ?? "", item.Name ?? "", json));
                    }
                    else if (item.Type == "reasoning" && !string.IsNullOrEmpty(item.EncryptedContent))
                    {
                        // Closes the run: coalescing gives the merged content this protected data.
                        yield return Update(new TextReasoningContent("") { ProtectedData = item.EncryptedContent });
                    }
                    break;
                case "response.completed" or "response.incomplete" when e.Response is { } done:
                    var usage = ToUsage(done.Usage);
                    var final = usage is null ? Update() : Update(new UsageContent(usage));
                    final.FinishReason = FinishReason(done, anyCalls);
                    yield return final;
                    yield break;
                case "response.failed":
                    throw new OpenAIStreamErrorException(e.Response?.Error?.CodeText ?? "server_error", e.Response?.Error?.Message ?? "The response failed.");
                case "error":
                    throw new OpenAIStreamErrorException(e.CodeText, e.Message);
            }
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        ProviderWire.GetService(this, _connection.Metadata, serviceType, serviceKey);

    /// <inheritdoc/>
    public void Dispose()
    {
        // The HttpClient belongs to the caller.
    }

    /// <summary>The effort a request asks for: its own, else the configured one (see
    /// <see cref="OpenAIChatClient.EffortFor"/>), else none (the model's default).</summary>
    internal ReasoningEffort? EffortOf(ChatOptions? options) => options?.Reasoning?.Effort ?? OpenAIChatClient.EffortFor(_connection.Reasoning);

    /// <summary>The request body for <paramref name="messages"/> and <paramref name="options"/>.</summary>
    internal ResponsesRequest BuildRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var input = new List<ResponsesItem>();
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System)
            {
                if (!string.IsNullOrWhiteSpace(message.Text))
                {
                    input.Add(new ResponsesItem { Type = "message", Role = "system", Content = [new ResponsesPart { Type = "input_text", Text = message.Text }] });
                }
                continue;
            }
            if (message.Role == ChatRole.Assistant)
            {
                foreach (var content in message.Contents)
                {
                    switch (content)
                    {
                        case TextContent { Text.Length: > 0 } text:
                            input.Add(new ResponsesItem { Type = "message", Role = "assistant", Content = [new ResponsesPart { Type = "output_text", Text = text.Text }] });
                            break;
                        case TextReasoningContent { ProtectedData.Length: > 0 } reasoning
                            when reasoning.AdditionalProperties?.TryGetValue(ReasoningItemIdKey, out var itemId) == true && itemId?.ToString() is { Length: > 0 } reasoningId:
                            input.Add(new ResponsesItem
                            {
                                Type = "reasoning",
                                Id = reasoningId,
                                Summary = string.IsNullOrEmpty(reasoning.Text) ? [] : [new ResponsesPart { Type = "summary_text", Text = reasoning.Text }],
                                EncryptedContent = reasoning.ProtectedData,
                            });
                            break;
                        case FunctionCallContent call:
                            input.Add(new ResponsesItem { Type = "function_call", CallId = call.CallId, Name = call.Name, Arguments = ProviderWire.ArgumentsJson(call) });
                            break;
                    }
                }
                continue;
            }

            // User and tool messages: results become function_call_output items, the rest one user message.
            var parts = new List<ResponsesPart>();
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case FunctionResultContent result:
                        input.Add(new ResponsesItem { Type = "function_call_output", CallId = result.CallId, Output = ProviderWire.ResultText(result) });
                        break;
                    case TextContent { Text.Length: > 0 } text:
                        parts.Add(new ResponsesPart { Type = "input_text", Text = text.Text });
                        break;
                    default:
                        if (OpenAIShared.ImageUrl(content) is { } url)
                        {
                            parts.Add(new ResponsesPart { Type = "input_image", ImageUrl = url });
                        }
                        break;
                }
            }
            if (parts.Count > 0)
            {
                input.Add(new ResponsesItem { Type = "message", Role = "user", Content = parts });
            }
        }

        List<ResponsesTool>? tools = null;
        JsonElement? toolChoice = null;
        bool? parallel = null;
        if (options?.Tools is { Count: > 0 } declared)
        {
            tools = [.. declared.OfType<AIFunctionDeclaration>().Select(f => new ResponsesTool
            {
                Name = f.Name,
                Description = string.IsNullOrEmpty(f.Description) ? null : f.Description,
                Parameters = f.JsonSchema,
                Strict = false,
            })];
            if (tools.Count == 0)
            {
                tools = null;
            }
            else
            {
                parallel = options.AllowMultipleToolCalls;
                toolChoice = OpenAIShared.ToolChoice(options.ToolMode, static name => JsonSerializer.SerializeToElement(
                    new ResponsesTool { Name = name }, OpenAIResponsesJsonContext.Default.ResponsesTool));
            }
        }

        var model = options?.ModelId ?? _connection.Model;
        var reasoningModel = OpenAIChatClient.IsReasoningModel(model);
        var effort = reasoningModel ? EffortOf(options) : null;
        return new ResponsesRequest
        {
            Model = model,
            Input = input,
            Instructions = string.IsNullOrEmpty(options?.Instructions) ? null : options.Instructions,
            Tools = tools,
            ToolChoice = toolChoice,
            ParallelToolCalls = parallel,
            Temperature = options?.Temperature,
            TopP = options?.TopP,
            MaxOutputTokens = options?.MaxOutputTokens,
            Stream = stream ? true : null,
            Store = false,
            Include = reasoningModel ? ["reasoning.encrypted_content"] : null,
            Reasoning = reasoningModel
                ? new ResponsesReasoning { Effort = effort is { } level ? OpenAIShared.EffortWireName(level) : null, Summary = "auto" }
                : null,
            PromptCacheKey = _connection.PromptCacheKeyFor(options),
        };
    }

    private static byte[] Serialize(ResponsesRequest request) => JsonSerializer.SerializeToUtf8Bytes(request, OpenAIResponsesJsonContext.Default.ResponsesRequest);

    private static TextReasoningContent Reasoning(ResponsesItem item, string text)
    {
        var content = new TextReasoningContent(text) { ProtectedData = string.IsNullOrEmpty(item.EncryptedContent) ? null : item.EncryptedContent, RawRepresentation = item };
        if (item.Id is not null)
        {
            content.AdditionalProperties = new() { [ReasoningItemIdKey] = item.Id };
        }
        return content;
    }

    private static string SummaryText(ResponsesItem item)
    {
        var summary = string.Join("\n\n", (item.Summary ?? []).Select(p => p.Text).Where(t => !string.IsNullOrEmpty(t)));
        return summary.Length > 0 ? summary : string.Concat((item.Content ?? []).Select(p => p.Text));
    }

    private static ChatFinishReason FinishReason(ResponsesResponse response, bool anyCalls) => response.IncompleteDetails?.Reason switch
    {
        "max_output_tokens" => ChatFinishReason.Length,
        "content_filter" => ChatFinishReason.ContentFilter,
        _ => anyCalls ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
    };

    internal static UsageDetails? ToUsage(ResponsesUsage? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.InputTokens,
        OutputTokenCount = usage.OutputTokens,
        TotalTokenCount = usage.TotalTokens ?? (usage.InputTokens ?? 0) + (usage.OutputTokens ?? 0),
        CachedInputTokenCount = usage.InputTokensDetails?.CachedTokens,
        ReasoningTokenCount = usage.OutputTokensDetails?.ReasoningTokens,
    };
}
