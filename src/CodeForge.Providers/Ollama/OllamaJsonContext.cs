using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OllamaSharp.Models;
using OllamaSharp.Models.Chat;

namespace CodeForge.Providers.Ollama;

/// <summary>
/// Source-generated JSON metadata for what OllamaSharp serializes on the chat path, handed to its
/// <c>OllamaApiClient</c> so that it never falls back to reflection (which Native AOT does not allow). Tool-call
/// arguments and tool schemas are <c>object</c>-typed in OllamaSharp's models, hence the JSON DOM and primitive types.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatRequest))]
[JsonSerializable(typeof(ChatResponseStream))]
[JsonSerializable(typeof(ChatDoneResponseStream))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonArray))]
[JsonSerializable(typeof(JsonValue))]
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(List<object>))]
[JsonSerializable(typeof(object[]))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(ToolResultEnvelope))]
internal sealed partial class OllamaJsonContext : JsonSerializerContext;

/// <summary>The text OllamaSharp itself sends as the content of a tool message: the call id and the result.</summary>
internal sealed record ToolResultEnvelope(
    [property: JsonPropertyName("call_id")] string CallId,
    [property: JsonPropertyName("result")] JsonElement Result);
