using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers.Ollama;

/// <summary>
/// Rewrites tool results into the text OllamaSharp would send for them (<c>{"call_id":…,"result":…}</c> as the
/// content of a tool message) before OllamaSharp sees them. OllamaSharp serializes a tool result through an internal
/// type with reflection-based JSON, which fails under Native AOT; this keeps the wire identical and AOT-safe.
/// Results that are not already JSON are serialized with <see cref="AIJsonUtilities.DefaultOptions"/> (source-generated),
/// or sent as their <c>ToString()</c> when that has no metadata for their type.
/// </summary>
/// <remarks>Stateless; messages are copied, never mutated, so concurrent calls are safe.</remarks>
internal sealed class OllamaToolResultChatClient(IChatClient innerClient) : DelegatingChatClient(innerClient)
{
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(Rewrite(messages), options, cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(Rewrite(messages), options, cancellationToken);

    internal static List<ChatMessage> Rewrite(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var result = new List<ChatMessage>();
        foreach (var message in messages)
        {
            if (!message.Contents.Any(c => c is FunctionResultContent))
            {
                result.Add(message);
                continue;
            }
            // One tool message per result, as OllamaSharp sends them; other contents stay in a copy of the message.
            var others = message.Contents.Where(c => c is not FunctionResultContent).ToList();
            if (others.Count > 0)
            {
                var rest = message.Clone();
                rest.Contents = others;
                result.Add(rest);
            }
            foreach (var toolResult in message.Contents.OfType<FunctionResultContent>())
            {
                var envelope = new ToolResultEnvelope(toolResult.CallId, ToJson(toolResult.Result));
                result.Add(new ChatMessage(ChatRole.Tool, JsonSerializer.Serialize(envelope, OllamaJsonContext.Default.ToolResultEnvelope)));
            }
        }
        return result;
    }

    private static JsonElement ToJson(object? value) => value switch
    {
        null => JsonSerializer.SerializeToElement((string?)null, OllamaJsonContext.Default.String),
        JsonElement element => element,
        string text => JsonSerializer.SerializeToElement(text, OllamaJsonContext.Default.String),
        _ when AIJsonUtilities.DefaultOptions.TryGetTypeInfo(value.GetType(), out var typeInfo) => JsonSerializer.SerializeToElement(value, typeInfo),
        _ => JsonSerializer.SerializeToElement(value.ToString(), OllamaJsonContext.Default.String),
    };
}
