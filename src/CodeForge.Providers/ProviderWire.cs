using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers;

/// <summary>What the built-in wire clients (Anthropic Messages, OpenAI Chat Completions, OpenAI Responses) share:
/// tool results as text, tool-call arguments as JSON, and the <see cref="IChatClient.GetService"/> answer.</summary>
/// <remarks>Stateless; thread-safe.</remarks>
internal static class ProviderWire
{
    /// <summary>The metadata of <see cref="AIJsonUtilities.DefaultOptions"/> for an argument dictionary (source-generated
    /// there, so no reflection).</summary>
    private static JsonTypeInfo<Dictionary<string, object?>> ArgumentsTypeInfo =>
        (JsonTypeInfo<Dictionary<string, object?>>)AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(Dictionary<string, object?>));

    /// <summary>A call's arguments as the JSON object text the wire carries (<c>{}</c> without arguments).</summary>
    public static string ArgumentsJson(FunctionCallContent call) =>
        call.Arguments is null ? "{}" : JsonSerializer.Serialize(ArgumentsOf(call), ArgumentsTypeInfo);

    /// <summary>A call's arguments as a JSON object value (an empty object without arguments).</summary>
    public static JsonElement ArgumentsElement(FunctionCallContent call) =>
        call.Arguments is null ? EmptyObject : JsonSerializer.SerializeToElement(ArgumentsOf(call), ArgumentsTypeInfo);

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private static Dictionary<string, object?> ArgumentsOf(FunctionCallContent call) =>
        new(call.Arguments!, StringComparer.Ordinal);

    /// <summary>A tool result as the text the wire carries: a string as is, anything else as JSON.</summary>
    public static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null => result.Exception?.Message ?? "",
        string text => text,
        JsonElement element => element.ValueKind == JsonValueKind.String ? element.GetString() ?? "" : element.GetRawText(),
        TextContent text => text.Text,
        var other => SerializeOrToString(other),
    };

    private static string SerializeOrToString(object value)
    {
        try
        {
            return JsonSerializer.Serialize(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType()));
        }
        catch (NotSupportedException)
        {
            return value.ToString() ?? "";
        }
    }

    /// <summary>The <see cref="IChatClient.GetService"/> of a wire client: its <paramref name="metadata"/>, or the
    /// client itself when it is of <paramref name="serviceType"/>; nothing for a keyed request.</summary>
    public static object? GetService(IChatClient client, ChatClientMetadata metadata, Type serviceType, object? serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? metadata
            : serviceType.IsInstanceOfType(client) ? client
            : null;
    }

    /// <summary>The response of a non-streamed call: one assistant message of <paramref name="contents"/>, to which a
    /// <see cref="UsageContent"/> is added when there is <paramref name="usage"/>; the message and response ids are
    /// both <paramref name="id"/>.</summary>
    public static ChatResponse Response(List<AIContent> contents, UsageDetails? usage, string? id, string? modelId,
        DateTimeOffset? createdAt, ChatFinishReason? finishReason, object raw)
    {
        if (usage is not null)
        {
            contents.Add(new UsageContent(usage));
        }
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = id })
        {
            ResponseId = id,
            ModelId = modelId,
            CreatedAt = createdAt,
            FinishReason = finishReason,
            Usage = usage,
            RawRepresentation = raw,
        };
    }

    /// <summary>One streamed assistant update; every update of a response has the response id as its message id, so
    /// they make one assistant message.</summary>
    public static ChatResponseUpdate Update(string? id, string? modelId, AIContent[] contents) => new(ChatRole.Assistant, contents)
    {
        MessageId = id,
        ResponseId = id,
        ModelId = modelId,
    };
}
