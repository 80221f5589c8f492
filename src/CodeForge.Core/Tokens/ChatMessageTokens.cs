using System.Text.Json;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tokens;

/// <summary>
/// Counts a conversation the way the original Code-Forge did (OpenAI's published recipe for chat models), for any
/// <see cref="ITokenCounter"/>.
/// </summary>
/// <remarks>
/// <para>The count of a conversation is the sum, over its messages, of:</para>
/// <list type="bullet">
/// <item><see cref="PerMessage"/> (4) framing tokens, plus the tokens of the role name (<c>"user"</c>, <c>"tool"</c>, ...);</item>
/// <item>for a message with an <see cref="ChatMessage.AuthorName"/>: its tokens plus <see cref="PerName"/> (1);</item>
/// <item>the tokens of every <see cref="TextContent"/> and <see cref="TextReasoningContent"/>;</item>
/// <item>for every <see cref="FunctionCallContent"/>: <see cref="PerToolCall"/> (10) plus the tokens of the function name and of
/// its arguments serialized as a JSON object (compact, as sent on the wire; <c>{}</c> when there are none);</item>
/// <item>for every <see cref="FunctionResultContent"/>: the tokens of its call id and of its result (a string as is, a
/// <see cref="JsonElement"/> as its raw JSON, anything else serialized compactly with <see cref="AIJsonUtilities.DefaultOptions"/>, or
/// <see cref="object.ToString"/> when no JSON contract is available);</item>
/// </list>
/// <para>
/// plus <see cref="ReplyPriming"/> (3) once for the assistant reply the model is primed with, so an empty conversation
/// counts 3. Other content (images, files, URIs, usage) is not counted: its cost is model-specific and not text.
/// </para>
/// <para>Concurrency: stateless; safe from any number of threads if the messages are not mutated meanwhile.</para>
/// </remarks>
public static class ChatMessageTokens
{
    /// <summary>Framing tokens of every message (<c>&lt;|start|&gt;role\n ... &lt;|end|&gt;\n</c>).</summary>
    public const int PerMessage = 4;

    /// <summary>Tokens added once per conversation: the reply is primed with <c>&lt;|start|&gt;assistant&lt;|message|&gt;</c>.</summary>
    public const int ReplyPriming = 3;

    /// <summary>Tokens added when a message carries an author name.</summary>
    public const int PerName = 1;

    /// <summary>Framing tokens of every function (tool) call.</summary>
    public const int PerToolCall = 10;

    /// <summary>Counts <paramref name="messages"/> with <paramref name="counter"/> (see the class remarks for the rules).</summary>
    /// <exception cref="ArgumentNullException">An argument or one of the messages is null.</exception>
    public static int Count(ITokenCounter counter, IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(counter);
        ArgumentNullException.ThrowIfNull(messages);
        var total = ReplyPriming;
        var index = 0;
        foreach (var message in messages)
        {
            if (message is null)
            {
                throw new ArgumentNullException(nameof(messages), $"Message {index} is null; a conversation cannot contain null messages.");
            }
            total += CountMessage(counter, message);
            index++;
        }
        return total;
    }

    private static int CountMessage(ITokenCounter counter, ChatMessage message)
    {
        var total = PerMessage + counter.Count(message.Role.Value);
        if (!string.IsNullOrEmpty(message.AuthorName))
        {
            total += counter.Count(message.AuthorName) + PerName;
        }
        foreach (var content in message.Contents)
        {
            total += content switch
            {
                TextContent text => counter.Count(text.Text ?? ""),
                TextReasoningContent reasoning => counter.Count(reasoning.Text ?? ""),
                FunctionCallContent call => PerToolCall + counter.Count(call.Name) + counter.Count(ArgumentsJson(call.Arguments)),
                FunctionResultContent result => counter.Count(result.CallId) + counter.Count(ResultText(result.Result)),
                _ => 0,
            };
        }
        return total;
    }

    /// <summary>The arguments as the compact JSON object a chat API receives.</summary>
    internal static string ArgumentsJson(IDictionary<string, object?>? arguments)
    {
        if (arguments is null || arguments.Count == 0)
        {
            return "{}";
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in arguments)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value);
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The text of a function result as a chat API receives it.</summary>
    internal static string ResultText(object? result) => result switch
    {
        null => "",
        string s => s,
        JsonElement e => e.GetRawText(),
        TextContent t => t.Text ?? "",
        _ => SerializeOrToString(result),
    };

    // The M.E.AI defaults (camelCase, source-generated contracts for the common exchange types, so AOT-safe, and reflection
    // only where the application allows it), but compact, as on the wire.
    private static readonly JsonSerializerOptions CompactOptions = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case JsonElement e:
                e.WriteTo(writer);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            default:
                writer.WriteRawValue(SerializeOrToString(value, quoteFallback: true), skipInputValidation: true);
                break;
        }
    }

    private static string SerializeOrToString(object value, bool quoteFallback = false)
    {
        try
        {
            return JsonSerializer.Serialize(value, CompactOptions.GetTypeInfo(value.GetType()));
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException)
        {
            var text = value.ToString() ?? "";
            return quoteFallback ? JsonSerializer.Serialize(text, TokensJsonContext.Default.String) : text;
        }
    }
}
