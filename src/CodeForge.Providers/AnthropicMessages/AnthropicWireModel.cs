using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeForge.Providers.AnthropicMessages;

/// <summary>The body of <c>POST /v1/messages</c>.</summary>
internal sealed class MessagesRequest
{
    [JsonPropertyName("model")]
    public required string Model { get; init; }

    [JsonPropertyName("max_tokens")]
    public required int MaxTokens { get; init; }

    /// <summary>The system prompt as text blocks (the form that can carry a cache breakpoint).</summary>
    [JsonPropertyName("system")]
    public List<WireBlock>? System { get; init; }

    [JsonPropertyName("messages")]
    public required List<WireMessage> Messages { get; init; }

    [JsonPropertyName("tools")]
    public List<WireTool>? Tools { get; init; }

    [JsonPropertyName("tool_choice")]
    public WireToolChoice? ToolChoice { get; init; }

    [JsonPropertyName("temperature")]
    public float? Temperature { get; init; }

    [JsonPropertyName("top_p")]
    public float? TopP { get; init; }

    [JsonPropertyName("top_k")]
    public int? TopK { get; init; }

    [JsonPropertyName("stop_sequences")]
    public List<string>? StopSequences { get; init; }

    [JsonPropertyName("stream")]
    public bool? Stream { get; init; }

    /// <summary>Extended (<c>enabled</c> with a budget) or <c>adaptive</c> thinking; absent: no thinking.</summary>
    [JsonPropertyName("thinking")]
    public WireThinking? Thinking { get; init; }

    /// <summary>Adaptive thinking's <c>effort</c>.</summary>
    [JsonPropertyName("output_config")]
    public WireOutputConfig? OutputConfig { get; init; }
}

internal sealed class WireThinking
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("budget_tokens")]
    public int? BudgetTokens { get; init; }

    [JsonPropertyName("display")]
    public string? Display { get; init; }
}

internal sealed class WireOutputConfig
{
    [JsonPropertyName("effort")]
    public string? Effort { get; init; }
}

/// <summary>A prompt-cache breakpoint: <c>{"type":"ephemeral"}</c> (the 5-minute cache).</summary>
internal sealed class WireCacheControl
{
    public static WireCacheControl Ephemeral { get; } = new() { Type = "ephemeral" };

    [JsonPropertyName("type")]
    public required string Type { get; init; }
}

/// <summary>One message of a request, or the response message itself.</summary>
internal sealed class WireMessage
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("role")]
    public required string Role { get; init; }

    [JsonPropertyName("model")]
    public string? Model { get; init; }

    [JsonPropertyName("content")]
    public required List<WireBlock> Content { get; init; }

    [JsonPropertyName("stop_reason")]
    public string? StopReason { get; init; }

    [JsonPropertyName("usage")]
    public WireUsage? Usage { get; init; }
}

/// <summary>A content block: <c>text</c>, <c>tool_use</c>, <c>tool_result</c>, <c>thinking</c> (with its
/// <c>signature</c>), <c>redacted_thinking</c> (with its encrypted <c>data</c>).</summary>
internal sealed class WireBlock
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("text")]
    public string? Text { get; init; }

    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>A tool call's arguments: a JSON object on the wire (a malformed one may arrive as a string).</summary>
    [JsonPropertyName("input")]
    public JsonElement? Input { get; init; }

    [JsonPropertyName("tool_use_id")]
    public string? ToolUseId { get; init; }

    [JsonPropertyName("content")]
    public string? Content { get; init; }

    [JsonPropertyName("is_error")]
    public bool? IsError { get; init; }

    [JsonPropertyName("thinking")]
    public string? Thinking { get; init; }

    /// <summary>A thinking block's signature, sent back unchanged.</summary>
    [JsonPropertyName("signature")]
    public string? Signature { get; init; }

    /// <summary>A redacted thinking block's encrypted content, sent back unchanged.</summary>
    [JsonPropertyName("data")]
    public string? Data { get; init; }

    /// <summary>A prompt-cache breakpoint after this block (set on the request's copy only).</summary>
    [JsonPropertyName("cache_control")]
    public WireCacheControl? CacheControl { get; set; }
}

internal sealed class WireTool
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("input_schema")]
    public required JsonElement InputSchema { get; init; }

    /// <summary>A prompt-cache breakpoint after the tool definitions (on the last tool).</summary>
    [JsonPropertyName("cache_control")]
    public WireCacheControl? CacheControl { get; set; }
}

internal sealed class WireToolChoice
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("disable_parallel_tool_use")]
    public bool? DisableParallelToolUse { get; init; }
}

internal sealed class WireUsage
{
    [JsonPropertyName("input_tokens")]
    public long? InputTokens { get; init; }

    [JsonPropertyName("output_tokens")]
    public long? OutputTokens { get; init; }

    [JsonPropertyName("cache_creation_input_tokens")]
    public long? CacheCreationInputTokens { get; init; }

    [JsonPropertyName("cache_read_input_tokens")]
    public long? CacheReadInputTokens { get; init; }
}

internal sealed class WireError
{
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }
}

/// <summary>Every server-sent event of a streamed response, flattened: <c>message_start</c> (<see cref="Message"/>),
/// <c>content_block_start</c> (<see cref="Index"/>, <see cref="ContentBlock"/>), <c>content_block_delta</c>
/// (<see cref="Delta"/>), <c>content_block_stop</c>, <c>message_delta</c> (<see cref="Delta"/>, <see cref="Usage"/>),
/// <c>message_stop</c>, <c>ping</c>, <c>error</c> (<see cref="Error"/>).</summary>
internal sealed class StreamEvent
{
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("message")]
    public WireMessage? Message { get; init; }

    [JsonPropertyName("index")]
    public int? Index { get; init; }

    [JsonPropertyName("content_block")]
    public WireBlock? ContentBlock { get; init; }

    [JsonPropertyName("delta")]
    public StreamDelta? Delta { get; init; }

    [JsonPropertyName("usage")]
    public WireUsage? Usage { get; init; }

    [JsonPropertyName("error")]
    public WireError? Error { get; init; }
}

internal sealed class StreamDelta
{
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("text")]
    public string? Text { get; init; }

    [JsonPropertyName("partial_json")]
    public string? PartialJson { get; init; }

    [JsonPropertyName("thinking")]
    public string? Thinking { get; init; }

    /// <summary>A <c>signature_delta</c>'s signature of the thinking block it ends.</summary>
    [JsonPropertyName("signature")]
    public string? Signature { get; init; }

    [JsonPropertyName("stop_reason")]
    public string? StopReason { get; init; }
}

/// <summary>Source-generated JSON metadata for the Messages wire model: no reflection, Native AOT safe.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MessagesRequest))]
[JsonSerializable(typeof(WireMessage))]
[JsonSerializable(typeof(StreamEvent))]
[JsonSerializable(typeof(Dictionary<string, object?>))]
internal sealed partial class AnthropicJsonContext : JsonSerializerContext;
