using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers.AnthropicMessages;

/// <summary>
/// An in-stream <c>event: error</c> of the Anthropic Messages API (e.g. <c>overloaded_error</c> after the response
/// started). <see cref="ErrorMappingChatClient"/> maps it by <see cref="ErrorType"/>.
/// </summary>
internal sealed class AnthropicStreamErrorException(string? errorType, string? errorMessage, string body)
    : Exception($"Anthropic stream error {errorType}: {errorMessage}")
{
    public string? ErrorType { get; } = errorType;

    public string Body { get; } = body;
}

/// <summary>
/// A client for the Anthropic Messages API (<c>POST /v1/messages</c>) written against <see cref="HttpClient"/> with
/// source-generated System.Text.Json only, so it works in the Native AOT build of forge, where the official SDK does
/// not. Streams server-sent events (<c>message_start</c>, <c>content_block_start/delta/stop</c> with
/// <c>text_delta</c>, <c>input_json_delta</c> and <c>thinking_delta</c>, <c>message_delta</c>, <c>message_stop</c>,
/// <c>ping</c>, <c>error</c>), assembles tool-call arguments from their fragments, and reports usage including cache
/// reads and writes. Optionally marks prompt-cache breakpoints and asks for extended or adaptive thinking.
/// </summary>
/// <remarks>
/// <para>Mapping: system messages and <see cref="ChatOptions.Instructions"/> become <c>system</c>; tool results become
/// <c>tool_result</c> blocks in a user message (consecutive messages of one wire role are merged, as the API
/// requires alternation); <see cref="ChatOptions.AllowMultipleToolCalls"/> false sets
/// <c>disable_parallel_tool_use</c>. Arguments that are not a JSON object yield a <see cref="FunctionCallContent"/>
/// whose <see cref="FunctionCallContent.Exception"/> says why, so the agent can tell the model.</para>
/// <para>Thinking: a <c>thinking</c> block becomes a <see cref="TextReasoningContent"/> whose
/// <see cref="TextReasoningContent.ProtectedData"/> is its signature (streamed: the <c>thinking_delta</c>s, then a
/// content carrying only the <c>signature_delta</c>, which <c>ToChatResponse</c> coalesces into one); a
/// <c>redacted_thinking</c> block one with empty text, its data as protected data and <see cref="RedactedThinkingKey"/>.
/// Both go back to the API unchanged in later requests; reasoning without protected data (another provider's) is
/// not sent.</para>
/// <para>HTTP errors are not handled here: the handler under it (<c>HttpErrorCaptureHandler</c>) turns them into one
/// exception shape and <see cref="ErrorMappingChatClient"/> above it into user-facing messages; retries are
/// <see cref="RetryingChatClient"/>'s. Usage: <see cref="UsageDetails.InputTokenCount"/> is the whole prompt (the
/// wire's <c>input_tokens</c> plus cache reads and writes), cache writes are in
/// <see cref="UsageDetails.AdditionalCounts"/> as <c>CacheCreationInputTokens</c>, like the SDK adapter.</para>
/// <para>Concurrency: immutable after construction; every call has its own state, so concurrent calls are safe (the
/// <see cref="HttpClient"/> is thread-safe). It does not own the <see cref="HttpClient"/>.</para>
/// </remarks>
public sealed class AnthropicMessagesClient : IChatClient
{
    /// <summary>The API version header value sent with every request.</summary>
    public const string ApiVersion = "2023-06-01";

    /// <summary>The output limit when neither the options nor the configuration give one (the API requires one).</summary>
    public const int FallbackMaxTokens = 8192;

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _apiKey;
    private readonly string _model;
    private readonly int _maxTokens;
    private readonly bool _promptCaching;
    private readonly ReasoningConfig? _reasoning;
    private readonly ChatClientMetadata _metadata;

    /// <summary>The most cache breakpoints the API accepts in one request.</summary>
    public const int MaxCacheBreakpoints = 4;

    /// <summary>Creates a client for <paramref name="model"/> at <paramref name="baseUrl"/> (the API root, e.g.
    /// <c>https://api.anthropic.com</c>; <c>/v1/messages</c> is appended). With <paramref name="promptCaching"/>,
    /// every request carries <c>cache_control</c> breakpoints (see <see cref="BuildRequest"/>); with
    /// <paramref name="reasoning"/>, requests ask for thinking as it says (null: never, unless a request's
    /// <see cref="ChatOptions.Reasoning"/> asks).</summary>
    public AnthropicMessagesClient(HttpClient http, Uri baseUrl, string apiKey, string model, int? maxOutputTokens = null,
        bool promptCaching = false, ReasoningConfig? reasoning = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        ArgumentException.ThrowIfNullOrEmpty(model);
        if (maxOutputTokens is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxOutputTokens), maxOutputTokens, "The output-token limit must be positive.");
        }
        _http = http;
        _endpoint = new Uri(baseUrl.ToString().TrimEnd('/') + "/v1/messages");
        _apiKey = apiKey;
        _model = model;
        _maxTokens = maxOutputTokens ?? FallbackMaxTokens;
        _promptCaching = promptCaching;
        _reasoning = reasoning;
        _metadata = new ChatClientMetadata("anthropic", baseUrl, model);
    }

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = BuildRequest(messages, options, stream: false);
        using var http = CreateHttpRequest(request);
        using var response = await _http.SendAsync(http, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        WireMessage message;
        await using (stream.ConfigureAwait(false))
        {
            message = await JsonSerializer.DeserializeAsync(stream, AnthropicJsonContext.Default.WireMessage, cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException("The response body was JSON null, not a message.");
        }

        var contents = new List<AIContent>();
        foreach (var block in message.Content)
        {
            switch (block.Type)
            {
                case "text" when block.Text is not null:
                    contents.Add(new TextContent(block.Text) { RawRepresentation = block });
                    break;
                case "thinking" when block.Thinking is not null:
                    contents.Add(new TextReasoningContent(block.Thinking) { ProtectedData = block.Signature, RawRepresentation = block });
                    break;
                case "redacted_thinking" when block.Data is not null:
                    contents.Add(Redacted(block.Data));
                    break;
                case "tool_use":
                    var json = block.Input is { } input
                        ? input.ValueKind == JsonValueKind.String ? input.GetString() ?? "" : input.GetRawText()
                        : "{}";
                    contents.Add(ToolCall(block.Id ?? "", block.Name ?? "", json));
                    break;
            }
        }
        return ProviderWire.Response(contents, ToUsage(message.Usage, null), message.Id, message.Model ?? request.Model,
            createdAt: null, ToFinishReason(message.StopReason), message);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = BuildRequest(messages, options, stream: true);
        using var http = CreateHttpRequest(request);
        using var response = await _http.SendAsync(http, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            string? messageId = null;
            var modelId = request.Model;
            WireUsage? startUsage = null;
            WireUsage? deltaUsage = null;
            string? stopReason = null;
            var tools = new Dictionary<int, (string Id, string Name, StringBuilder Json)>();

            ChatResponseUpdate Update(params AIContent[] contents) => ProviderWire.Update(messageId, modelId, contents);

            await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken).ConfigureAwait(false))
            {
                if (item.EventType == "ping" || string.IsNullOrWhiteSpace(item.Data))
                {
                    continue;
                }
                var e = JsonSerializer.Deserialize(item.Data, AnthropicJsonContext.Default.StreamEvent)
                    ?? throw new JsonException($"A '{item.EventType}' event carried JSON null.");
                switch (e.Type ?? item.EventType)
                {
                    case "message_start" when e.Message is { } started:
                        messageId = started.Id;
                        modelId = started.Model ?? modelId;
                        startUsage = started.Usage;
                        yield return Update();
                        break;
                    case "content_block_start" when e.ContentBlock is { } block:
                        if (block.Type == "tool_use")
                        {
                            tools[e.Index ?? 0] = (block.Id ?? "", block.Name ?? "", new StringBuilder());
                        }
                        else if (block.Type == "text" && !string.IsNullOrEmpty(block.Text))
                        {
                            yield return Update(new TextContent(block.Text));
                        }
                        else if (block.Type == "thinking" && !string.IsNullOrEmpty(block.Thinking))
                        {
                            yield return Update(new TextReasoningContent(block.Thinking));
                        }
                        else if (block.Type == "redacted_thinking" && block.Data is not null)
                        {
                            yield return Update(Redacted(block.Data));
                        }
                        break;
                    case "content_block_delta" when e.Delta is { } delta:
                        switch (delta.Type)
                        {
                            case "text_delta" when !string.IsNullOrEmpty(delta.Text):
                                yield return Update(new TextContent(delta.Text));
                                break;
                            case "thinking_delta" when !string.IsNullOrEmpty(delta.Thinking):
                                yield return Update(new TextReasoningContent(delta.Thinking));
                                break;
                            case "signature_delta" when !string.IsNullOrEmpty(delta.Signature):
                                // Ends the thinking block: coalescing (ToChatResponse) merges the deltas before it
                                // into one content that carries this signature.
                                yield return Update(new TextReasoningContent("") { ProtectedData = delta.Signature });
                                break;
                            case "input_json_delta" when tools.TryGetValue(e.Index ?? 0, out var open):
                                open.Json.Append(delta.PartialJson);
                                break;
                        }
                        break;
                    case "content_block_stop":
                        if (tools.Remove(e.Index ?? 0, out var done))
                        {
                            var json = done.Json.Length == 0 ? "{}" : done.Json.ToString();
                            yield return Update(ToolCall(done.Id, done.Name, json));
                        }
                        break;
                    case "message_delta":
                        stopReason = e.Delta?.StopReason ?? stopReason;
                        deltaUsage = e.Usage ?? deltaUsage;
                        break;
                    case "message_stop":
                        var usage = ToUsage(startUsage, deltaUsage);
                        var final = usage is null ? Update() : Update(new UsageContent(usage));
                        final.FinishReason = ToFinishReason(stopReason) ?? ChatFinishReason.Stop;
                        yield return final;
                        yield break;
                    case "error":
                        throw new AnthropicStreamErrorException(e.Error?.Type, e.Error?.Message, item.Data);
                }
            }
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        ProviderWire.GetService(this, _metadata, serviceType, serviceKey);

    /// <inheritdoc/>
    public void Dispose()
    {
        // The HttpClient belongs to the caller.
    }

    /// <summary>
    /// The request body for <paramref name="messages"/>. Thinking blocks of earlier assistant messages go back as they
    /// came (<c>thinking</c> with its <c>signature</c>, <c>redacted_thinking</c> with its <c>data</c>), as the API
    /// requires across tool calls. With prompt caching on, at most <see cref="MaxCacheBreakpoints"/>
    /// <c>cache_control</c> breakpoints mark the stable prefix and the newest messages: the last tool definition, the
    /// system prompt, the last message, and the user message before it (where the previous request put its own last
    /// breakpoint, so that request's cache entry is found exactly however many blocks were added since).
    /// </summary>
    internal MessagesRequest BuildRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var system = new StringBuilder();
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            system.Append(options.Instructions);
        }
        var wire = new List<WireMessage>();
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System)
            {
                if (system.Length > 0)
                {
                    system.Append("\n\n");
                }
                system.Append(message.Text);
                continue;
            }
            var role = message.Role == ChatRole.Assistant ? "assistant" : "user";
            var blocks = new List<WireBlock>();
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent { Text.Length: > 0 } text:
                        blocks.Add(new WireBlock { Type = "text", Text = text.Text });
                        break;
                    case TextReasoningContent { ProtectedData.Length: > 0 } reasoning when role == "assistant":
                        blocks.Add(IsRedacted(reasoning)
                            ? new WireBlock { Type = "redacted_thinking", Data = reasoning.ProtectedData }
                            : new WireBlock { Type = "thinking", Thinking = reasoning.Text, Signature = reasoning.ProtectedData });
                        break;
                    case FunctionCallContent call when role == "assistant":
                        blocks.Add(new WireBlock { Type = "tool_use", Id = call.CallId, Name = call.Name, Input = ProviderWire.ArgumentsElement(call) });
                        break;
                    case FunctionResultContent result:
                        blocks.Add(new WireBlock
                        {
                            Type = "tool_result",
                            ToolUseId = result.CallId,
                            Content = ProviderWire.ResultText(result),
                            IsError = result.Exception is not null ? true : null,
                        });
                        break;
                }
            }
            if (blocks.Count == 0)
            {
                continue;
            }
            if (wire.Count > 0 && wire[^1].Role == role)
            {
                wire[^1].Content.AddRange(blocks);
            }
            else
            {
                wire.Add(new WireMessage { Role = role, Content = blocks });
            }
        }

        List<WireTool>? tools = null;
        WireToolChoice? choice = null;
        if (options?.Tools is { Count: > 0 } declared && options.ToolMode is not NoneChatToolMode)
        {
            tools = [];
            foreach (var tool in declared)
            {
                if (tool is AIFunctionDeclaration function)
                {
                    tools.Add(new WireTool { Name = function.Name, Description = NullIfEmpty(function.Description), InputSchema = function.JsonSchema });
                }
            }
            var disableParallel = options.AllowMultipleToolCalls == false ? true : (bool?)null;
            choice = options.ToolMode switch
            {
                RequiredChatToolMode { RequiredFunctionName: { } name } => new WireToolChoice { Type = "tool", Name = name, DisableParallelToolUse = disableParallel },
                RequiredChatToolMode => new WireToolChoice { Type = "any", DisableParallelToolUse = disableParallel },
                _ when disableParallel is not null => new WireToolChoice { Type = "auto", DisableParallelToolUse = disableParallel },
                _ => null,
            };
            if (tools.Count == 0)
            {
                (tools, choice) = (null, null);
            }
        }

        List<WireBlock>? systemBlocks = system.Length > 0 ? [new WireBlock { Type = "text", Text = system.ToString() }] : null;
        if (_promptCaching)
        {
            MarkCacheBreakpoints(tools, systemBlocks, wire);
        }

        var model = options?.ModelId ?? _model;
        var plan = AnthropicThinking.Plan(model, options?.MaxOutputTokens ?? _maxTokens, _reasoning, options?.Reasoning,
            forcedToolChoice: choice?.Type is "any" or "tool", limitGiven: options?.MaxOutputTokens is not null);
        return new MessagesRequest
        {
            Model = model,
            MaxTokens = plan.MaxTokens,
            System = systemBlocks,
            Messages = wire,
            Tools = tools,
            ToolChoice = choice,
            // The API refuses sampling changes while thinking.
            Temperature = plan.IsOn ? null : options?.Temperature,
            TopP = plan.IsOn ? null : options?.TopP,
            TopK = plan.IsOn ? null : options?.TopK,
            StopSequences = options?.StopSequences is { Count: > 0 } stops ? [.. stops] : null,
            Stream = stream ? true : null,
            Thinking = plan.Thinking,
            OutputConfig = plan.OutputConfig,
        };
    }

    private static void MarkCacheBreakpoints(List<WireTool>? tools, List<WireBlock>? system, List<WireMessage> messages)
    {
        var left = MaxCacheBreakpoints;
        if (tools is { Count: > 0 })
        {
            tools[^1].CacheControl = WireCacheControl.Ephemeral;
            left--;
        }
        if (system is { Count: > 0 })
        {
            system[^1].CacheControl = WireCacheControl.Ephemeral;
            left--;
        }
        var marked = 0;
        for (var i = messages.Count - 1; i >= 0 && left > 0 && marked < 2; i--)
        {
            if (marked == 1 && messages[i].Role != "user")
            {
                continue;
            }
            // Thinking blocks cannot carry a breakpoint; the block after which the prefix ends can.
            var block = messages[i].Content.LastOrDefault(b => b.Type is not ("thinking" or "redacted_thinking"));
            if (block is null)
            {
                continue;
            }
            block.CacheControl = WireCacheControl.Ephemeral;
            left--;
            marked++;
        }
    }

    /// <summary>A <c>redacted_thinking</c> block: no readable text, its encrypted data kept to be sent back.</summary>
    private static TextReasoningContent Redacted(string data) => new("")
    {
        ProtectedData = data,
        AdditionalProperties = new() { [RedactedThinkingKey] = true },
    };

    /// <summary>The additional property that marks a <see cref="TextReasoningContent"/> as Anthropic's
    /// <c>redacted_thinking</c> (a thinking block whose text is empty and whose protected data is its encrypted content).</summary>
    public const string RedactedThinkingKey = "anthropic.redacted_thinking";

    private static bool IsRedacted(TextReasoningContent reasoning) =>
        reasoning.AdditionalProperties?.ContainsKey(RedactedThinkingKey) == true || string.IsNullOrEmpty(reasoning.Text);

    private HttpRequestMessage CreateHttpRequest(MessagesRequest request)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(request, AnthropicJsonContext.Default.MessagesRequest);
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var message = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = content };
        message.Headers.Add("x-api-key", _apiKey);
        message.Headers.Add("anthropic-version", ApiVersion);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(request.Stream == true ? "text/event-stream" : "application/json"));
        return message;
    }

    private static FunctionCallContent ToolCall(string id, string name, string json)
    {
        var call = FunctionCallContent.CreateFromParsedArguments(json, id, name,
            static text => JsonSerializer.Deserialize(text, AnthropicJsonContext.Default.DictionaryStringObject)
                ?? throw new JsonException("The arguments are JSON null, not an object."));
        return call;
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    internal static ChatFinishReason? ToFinishReason(string? stopReason) => stopReason switch
    {
        null => null,
        "end_turn" or "stop_sequence" or "pause_turn" => ChatFinishReason.Stop,
        "max_tokens" or "model_context_window_exceeded" => ChatFinishReason.Length,
        "tool_use" => ChatFinishReason.ToolCalls,
        "refusal" => ChatFinishReason.ContentFilter,
        var other => new ChatFinishReason(other),
    };

    /// <summary>Usage from <c>message_start</c> (input side final, output small) and the last <c>message_delta</c>
    /// (cumulative; newer servers also repeat the input side there).</summary>
    internal static UsageDetails? ToUsage(WireUsage? start, WireUsage? delta)
    {
        if (start is null && delta is null)
        {
            return null;
        }
        var input = delta?.InputTokens ?? start?.InputTokens ?? 0;
        var cacheRead = delta?.CacheReadInputTokens ?? start?.CacheReadInputTokens ?? 0;
        var cacheWrite = delta?.CacheCreationInputTokens ?? start?.CacheCreationInputTokens ?? 0;
        var output = delta?.OutputTokens ?? start?.OutputTokens ?? 0;
        var prompt = input + cacheRead + cacheWrite;
        var usage = new UsageDetails
        {
            InputTokenCount = prompt,
            OutputTokenCount = output,
            TotalTokenCount = prompt + output,
            CachedInputTokenCount = cacheRead,
        };
        if (cacheWrite > 0)
        {
            usage.AdditionalCounts = new AdditionalPropertiesDictionary<long> { ["CacheCreationInputTokens"] = cacheWrite };
        }
        return usage;
    }
}
