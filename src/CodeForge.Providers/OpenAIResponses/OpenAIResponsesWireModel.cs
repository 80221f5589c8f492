using System.Text.Json;
using System.Text.Json.Serialization;
using CodeForge.Providers.OpenAIChat;

namespace CodeForge.Providers.OpenAIResponses;

/// <summary>The body of <c>POST /v1/responses</c> (the fields forge sends).</summary>
internal sealed class ResponsesRequest
{
    [JsonPropertyName("model")]
    public required string Model { get; init; }

    [JsonPropertyName("input")]
    public required List<ResponsesItem> Input { get; init; }

    [JsonPropertyName("instructions")]
    public string? Instructions { get; init; }

    [JsonPropertyName("tools")]
    public List<ResponsesTool>? Tools { get; init; }

    /// <summary><c>"auto"</c>, <c>"none"</c>, <c>"required"</c> or <c>{"type":"function","name":…}</c>.</summary>
    [JsonPropertyName("tool_choice")]
    public JsonElement? ToolChoice { get; init; }

    [JsonPropertyName("parallel_tool_calls")]
    public bool? ParallelToolCalls { get; init; }

    [JsonPropertyName("temperature")]
    public float? Temperature { get; init; }

    [JsonPropertyName("top_p")]
    public float? TopP { get; init; }

    [JsonPropertyName("max_output_tokens")]
    public int? MaxOutputTokens { get; init; }

    [JsonPropertyName("stream")]
    public bool? Stream { get; init; }

    /// <summary>Always false: forge keeps the conversation, the server keeps nothing.</summary>
    [JsonPropertyName("store")]
    public bool Store { get; init; }

    [JsonPropertyName("include")]
    public List<string>? Include { get; init; }

    [JsonPropertyName("reasoning")]
    public ResponsesReasoning? Reasoning { get; init; }

    [JsonPropertyName("prompt_cache_key")]
    public string? PromptCacheKey { get; init; }
}

internal sealed class ResponsesReasoning
{
    [JsonPropertyName("effort")]
    public string? Effort { get; init; }

    [JsonPropertyName("summary")]
    public string? Summary { get; init; }
}

internal sealed class ResponsesTool
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "function";

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("parameters")]
    public JsonElement? Parameters { get; init; }

    /// <summary>Sent as false: strict mode would refuse schemas with optional properties.</summary>
    [JsonPropertyName("strict")]
    public bool? Strict { get; init; }
}

/// <summary>An input or output item, flattened: <c>message</c> (<see cref="Role"/>, <see cref="Content"/>),
/// <c>reasoning</c> (<see cref="Id"/>, <see cref="Summary"/>, <see cref="EncryptedContent"/>), <c>function_call</c>
/// (<see cref="CallId"/>, <see cref="Name"/>, <see cref="Arguments"/>), <c>function_call_output</c>
/// (<see cref="CallId"/>, <see cref="Output"/>).</summary>
internal sealed class ResponsesItem
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("role")]
    public string? Role { get; init; }

    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("content")]
    public List<ResponsesPart>? Content { get; init; }

    [JsonPropertyName("summary")]
    public List<ResponsesPart>? Summary { get; init; }

    [JsonPropertyName("encrypted_content")]
    public string? EncryptedContent { get; init; }

    [JsonPropertyName("call_id")]
    public string? CallId { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("arguments")]
    public string? Arguments { get; init; }

    [JsonPropertyName("output")]
    public string? Output { get; init; }
}

/// <summary>A content part: <c>input_text</c>, <c>input_image</c>, <c>output_text</c>, <c>refusal</c>,
/// <c>summary_text</c>, <c>reasoning_text</c>.</summary>
internal sealed class ResponsesPart
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("text")]
    public string? Text { get; init; }

    [JsonPropertyName("refusal")]
    public string? Refusal { get; init; }

    [JsonPropertyName("image_url")]
    public string? ImageUrl { get; init; }
}

/// <summary>A <c>response</c> object (the non-streamed body, or inside <c>response.*</c> events).</summary>
internal sealed class ResponsesResponse
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("model")]
    public string? Model { get; init; }

    [JsonPropertyName("created_at")]
    public long? CreatedAt { get; init; }

    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("output")]
    public List<ResponsesItem>? Output { get; init; }

    [JsonPropertyName("usage")]
    public ResponsesUsage? Usage { get; init; }

    [JsonPropertyName("error")]
    public OpenAIWireError? Error { get; init; }

    [JsonPropertyName("incomplete_details")]
    public ResponsesIncomplete? IncompleteDetails { get; init; }
}

internal sealed class ResponsesIncomplete
{
    [JsonPropertyName("reason")]
    public string? Reason { get; init; }
}

internal sealed class ResponsesUsage
{
    [JsonPropertyName("input_tokens")]
    public long? InputTokens { get; init; }

    [JsonPropertyName("output_tokens")]
    public long? OutputTokens { get; init; }

    [JsonPropertyName("total_tokens")]
    public long? TotalTokens { get; init; }

    [JsonPropertyName("input_tokens_details")]
    public OpenAIWireInputDetails? InputTokensDetails { get; init; }

    [JsonPropertyName("output_tokens_details")]
    public OpenAIWireOutputDetails? OutputTokensDetails { get; init; }
}

/// <summary>Every server-sent event of a streamed response, flattened: <c>response.created</c> /
/// <c>.in_progress</c> / <c>.completed</c> / <c>.incomplete</c> / <c>.failed</c> (<see cref="Response"/>),
/// <c>response.output_item.added</c> / <c>.done</c> (<see cref="OutputIndex"/>, <see cref="Item"/>), the text,
/// reasoning and argument deltas (<see cref="ItemId"/>, <see cref="Delta"/>), <c>error</c> (<see cref="Code"/>,
/// <see cref="Message"/>).</summary>
internal sealed class ResponsesStreamEvent
{
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("response")]
    public ResponsesResponse? Response { get; init; }

    [JsonPropertyName("output_index")]
    public int? OutputIndex { get; init; }

    [JsonPropertyName("item_id")]
    public string? ItemId { get; init; }

    [JsonPropertyName("item")]
    public ResponsesItem? Item { get; init; }

    [JsonPropertyName("delta")]
    public string? Delta { get; init; }

    [JsonPropertyName("code")]
    public JsonElement? Code { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }

    /// <summary>An <c>error</c> event's code as text.</summary>
    public string? CodeText => Code is { ValueKind: JsonValueKind.String } code ? code.GetString()
        : Code is { ValueKind: JsonValueKind.Number } number ? number.GetRawText()
        : null;
}

/// <summary>Source-generated JSON metadata for the Responses wire model: no reflection, Native AOT safe.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ResponsesRequest))]
[JsonSerializable(typeof(ResponsesResponse))]
[JsonSerializable(typeof(ResponsesStreamEvent))]
[JsonSerializable(typeof(ResponsesTool))]
internal sealed partial class OpenAIResponsesJsonContext : JsonSerializerContext;
