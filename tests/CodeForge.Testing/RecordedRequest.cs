using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodeForge.Testing;

/// <summary>The wire protocol a request to the fake server used.</summary>
public enum ModelProtocol
{
    /// <summary>A path the fake server does not serve.</summary>
    Unknown,
    /// <summary>OpenAI Chat Completions: <c>POST /v1/chat/completions</c>.</summary>
    OpenAI,
    /// <summary>Anthropic Messages: <c>POST /v1/messages</c>.</summary>
    Anthropic,
    /// <summary>Ollama chat: <c>POST /api/chat</c>.</summary>
    Ollama,
    /// <summary>OpenAI Responses: <c>POST /v1/responses</c>.</summary>
    OpenAIResponses,
}

/// <summary>One request the fake server received, as received.</summary>
/// <remarks>Immutable and safe to read from any thread. <see cref="Json"/> is a cloned <see cref="JsonElement"/>
/// (thread-safe to read); <see cref="Node"/> parses a fresh mutable <see cref="JsonNode"/> on every call.</remarks>
public sealed record RecordedRequest(
    int Sequence,
    string Method,
    string Path,
    ModelProtocol Protocol,
    IReadOnlyDictionary<string, string> Headers,
    string Body)
{
    /// <summary>The parsed body, or <see cref="JsonValueKind.Undefined"/> when it is empty or not JSON.</summary>
    public JsonElement Json { get; } = ParseOrUndefined(Body);

    /// <summary>The <c>model</c> the body asked for, if any.</summary>
    public string? Model => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("model", out var m) &&
        m.ValueKind == JsonValueKind.String ? m.GetString() : null;

    /// <summary>Whether the body asked for a streamed response (<c>"stream": true</c>; Ollama streams unless told not to).</summary>
    public bool Stream => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("stream", out var s)
        ? s.ValueKind == JsonValueKind.True
        : Protocol == ModelProtocol.Ollama;

    /// <summary>A header's value (comma-joined if repeated), or null. Names are case-insensitive.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    /// <summary>A fresh, mutable parse of the body for convenient navigation (<c>req.Node()!["messages"]![0]</c>).</summary>
    public JsonNode? Node() => Json.ValueKind == JsonValueKind.Undefined ? null : JsonNode.Parse(Body);

    private static JsonElement ParseOrUndefined(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return default;
        }
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
