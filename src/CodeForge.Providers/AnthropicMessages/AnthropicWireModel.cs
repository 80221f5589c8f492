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

    [JsonPropertyName("system")]
    public string? System { get; init; }

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

/// <summary>A content block: <c>text</c>, <c>tool_use</c>, <c>tool_result</c>, <c>thinking</c> (read only).</summary>
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
}

internal sealed class WireTool
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("input_schema")]
    public required JsonElement InputSchema { get; init; }
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
