using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeForge.Providers.OpenAIChat;

/// <summary>The body of <c>POST /v1/chat/completions</c> (the fields forge sends).</summary>
internal sealed class ChatCompletionRequest
{
    [JsonPropertyName("model")]
    public required string Model { get; init; }

    [JsonPropertyName("messages")]
    public required List<ChatWireMessage> Messages { get; init; }

    [JsonPropertyName("tools")]
    public List<ChatWireTool>? Tools { get; init; }

    /// <summary><c>"auto"</c>, <c>"none"</c>, <c>"required"</c> or <c>{"type":"function","function":{"name":…}}</c>.</summary>
    [JsonPropertyName("tool_choice")]
    public JsonElement? ToolChoice { get; init; }

    [JsonPropertyName("parallel_tool_calls")]
    public bool? ParallelToolCalls { get; init; }

    [JsonPropertyName("temperature")]
    public float? Temperature { get; init; }

    [JsonPropertyName("top_p")]
    public float? TopP { get; init; }

    [JsonPropertyName("max_completion_tokens")]
    public int? MaxCompletionTokens { get; init; }

    [JsonPropertyName("frequency_penalty")]
    public float? FrequencyPenalty { get; init; }

    [JsonPropertyName("presence_penalty")]
    public float? PresencePenalty { get; init; }

    [JsonPropertyName("seed")]
    public long? Seed { get; init; }

    [JsonPropertyName("stop")]
    public List<string>? Stop { get; init; }

    [JsonPropertyName("reasoning_effort")]
    public string? ReasoningEffort { get; init; }

    [JsonPropertyName("prompt_cache_key")]
    public string? PromptCacheKey { get; init; }

    [JsonPropertyName("stream")]
    public bool? Stream { get; init; }

    [JsonPropertyName("stream_options")]
    public ChatStreamOptions? StreamOptions { get; init; }
}

internal sealed class ChatStreamOptions
{
    [JsonPropertyName("include_usage")]
    public bool IncludeUsage { get; init; }
}

/// <summary>A request message: <c>system</c>, <c>user</c> (text, or parts with images), <c>assistant</c> (text and/or
/// <c>tool_calls</c>), <c>tool</c> (a result with its <c>tool_call_id</c>).</summary>
internal sealed class ChatWireMessage
{
    [JsonPropertyName("role")]
    public required string Role { get; init; }

    /// <summary>A string, an array of content parts, or absent (an assistant message with only tool calls).</summary>
    [JsonPropertyName("content")]
    public JsonElement? Content { get; init; }

    [JsonPropertyName("tool_calls")]
    public List<ChatWireToolCall>? ToolCalls { get; init; }

    [JsonPropertyName("tool_call_id")]
    public string? ToolCallId { get; init; }
}

/// <summary>A user content part: <c>text</c> or <c>image_url</c>.</summary>
internal sealed class ChatWirePart
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("text")]
    public string? Text { get; init; }

    [JsonPropertyName("image_url")]
    public ChatWireImageUrl? ImageUrl { get; init; }
}

internal sealed class ChatWireImageUrl
{
    [JsonPropertyName("url")]
    public required string Url { get; init; }
}

internal sealed class ChatWireTool
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "function";

    [JsonPropertyName("function")]
    public required ChatWireFunction Function { get; init; }
}

internal sealed class ChatWireFunction
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("parameters")]
    public JsonElement? Parameters { get; init; }
}

/// <summary>A tool call: whole in requests and responses; in a stream chunk a fragment keyed by <see cref="Index"/>
/// (the first fragment carries id and name, every one a piece of the arguments).</summary>
internal sealed class ChatWireToolCall
{
    [JsonPropertyName("index")]
    public int? Index { get; init; }

    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("function")]
    public ChatWireCallFunction? Function { get; init; }
}

internal sealed class ChatWireCallFunction
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("arguments")]
    public string? Arguments { get; init; }
}

/// <summary>A <c>chat.completion</c> or a streamed <c>chat.completion.chunk</c> (also an in-stream
/// <c>{"error":…}</c>).</summary>
internal sealed class ChatCompletionResponse
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("model")]
    public string? Model { get; init; }

    [JsonPropertyName("created")]
    public long? Created { get; init; }

    [JsonPropertyName("choices")]
    public List<ChatWireChoice>? Choices { get; init; }

    [JsonPropertyName("usage")]
    public ChatWireUsage? Usage { get; init; }

    [JsonPropertyName("error")]
    public OpenAIWireError? Error { get; init; }
}

internal sealed class ChatWireChoice
{
    [JsonPropertyName("index")]
    public int Index { get; init; }

    /// <summary>The whole message (non-streamed).</summary>
    [JsonPropertyName("message")]
    public ChatWireResponseMessage? Message { get; init; }

    /// <summary>A fragment of the message (streamed).</summary>
    [JsonPropertyName("delta")]
    public ChatWireResponseMessage? Delta { get; init; }

    [JsonPropertyName("finish_reason")]
    public string? FinishReason { get; init; }
}

internal sealed class ChatWireResponseMessage
{
    [JsonPropertyName("role")]
    public string? Role { get; init; }

    [JsonPropertyName("content")]
    public string? Content { get; init; }

    [JsonPropertyName("refusal")]
    public string? Refusal { get; init; }

    [JsonPropertyName("tool_calls")]
    public List<ChatWireToolCall>? ToolCalls { get; init; }
}

internal sealed class ChatWireUsage
{
    [JsonPropertyName("prompt_tokens")]
    public long? PromptTokens { get; init; }

    [JsonPropertyName("completion_tokens")]
    public long? CompletionTokens { get; init; }

    [JsonPropertyName("total_tokens")]
    public long? TotalTokens { get; init; }

    [JsonPropertyName("prompt_tokens_details")]
    public OpenAIWireInputDetails? PromptTokensDetails { get; init; }

    [JsonPropertyName("completion_tokens_details")]
    public OpenAIWireOutputDetails? CompletionTokensDetails { get; init; }
}

/// <summary>The input side's details of OpenAI usage (Chat's <c>prompt_tokens_details</c>, Responses'
/// <c>input_tokens_details</c>): how much of the prompt was read from the cache.</summary>
internal sealed class OpenAIWireInputDetails
{
    [JsonPropertyName("cached_tokens")]
    public long? CachedTokens { get; init; }
}

/// <summary>The output side's details of OpenAI usage (Chat's <c>completion_tokens_details</c>, Responses'
/// <c>output_tokens_details</c>): how much of the output was reasoning.</summary>
internal sealed class OpenAIWireOutputDetails
{
    [JsonPropertyName("reasoning_tokens")]
    public long? ReasoningTokens { get; init; }
}

/// <summary>OpenAI's error object: <c>{"message","type","param","code"}</c> (<c>code</c> may be a string or a number).</summary>
internal sealed class OpenAIWireError
{
    [JsonPropertyName("message")]
    public string? Message { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("code")]
    public JsonElement? Code { get; init; }

    /// <summary><see cref="Code"/> as text (a number's digits), else <see cref="Type"/>.</summary>
    public string? CodeText => Code is { } code ? code.ValueKind switch
    {
        JsonValueKind.String => code.GetString(),
        JsonValueKind.Number => code.GetRawText(),
        _ => Type,
    } : Type;
}

/// <summary>Source-generated JSON metadata for the Chat Completions wire model: no reflection, Native AOT safe.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletionResponse))]
[JsonSerializable(typeof(List<ChatWirePart>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(Dictionary<string, object?>))]
internal sealed partial class OpenAIChatJsonContext : JsonSerializerContext;
