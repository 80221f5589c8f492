using System.Text.Json;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Sessions;

/// <summary>
/// Writes the common transcript entries by hand, byte for byte as <see cref="SessionJsonContext"/> (and, for the message
/// and usage, Microsoft.Extensions.AI's own contract) would, without building any <c>JsonTypeInfo</c>: System.Text.Json
/// reads each type's <c>[JsonPolymorphic]</c>/<c>[JsonDerivedType]</c> attributes by reflection when it first builds its
/// contract (for source-generated contracts too), and a <see cref="ChatMessage"/>'s contract pulls in every
/// <see cref="AIContent"/> type — milliseconds of a one-turn run under Native AOT, for three lines.
/// </summary>
/// <remarks>
/// <para>Only shapes it knows are written here (<see cref="CanWrite"/>): an entry whose message holds text, reasoning,
/// function calls and function results without annotations or additional properties, whose call arguments and results
/// are null, strings, booleans, numbers or JSON elements, and whose usage has no additional counts beyond plain numbers.
/// Anything else goes through the serializer as before (<see cref="SessionJson.ToLine"/>), so the file format never
/// depends on which path wrote a line; <c>SessionLineWriterTests</c> compares the two paths' bytes.</para>
/// <para>Concurrency contract: stateless; safe from any thread (each call writes only to the writer it is given, which
/// the caller owns).</para>
/// </remarks>
internal static class SessionLineWriter
{
    /// <summary>Whether <see cref="Write"/> can write <paramref name="entry"/> exactly as the serializer would.</summary>
    public static bool CanWrite(SessionEntry entry)
    {
        if (entry.Type is < SessionEntryType.User or > SessionEntryType.Event)
        {
            return false;
        }
        if (entry.Message is { } message)
        {
            if (message.AdditionalProperties is not null)
            {
                return false;
            }
            foreach (var content in message.Contents)
            {
                if (!CanWriteContent(content))
                {
                    return false;
                }
            }
        }
        return entry.Usage is not { AdditionalCounts: not null };
    }

    /// <summary>Writes <paramref name="entry"/> (for which <see cref="CanWrite"/> is true) as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, SessionEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, TypeName(entry.Type));
        writer.WriteString("uuid"u8, entry.Uuid);
        writer.WriteString("parentUuid"u8, entry.ParentUuid);
        writer.WriteString("sessionId"u8, entry.SessionId);
        writer.WriteString("timestamp"u8, entry.Timestamp);
        if (entry.Message is { } message)
        {
            writer.WritePropertyName("message"u8);
            WriteMessage(writer, message);
        }
        if (entry.Usage is { } usage)
        {
            writer.WritePropertyName("usage"u8);
            WriteUsage(writer, usage);
        }
        WriteIfNotNull(writer, "subtype"u8, entry.Subtype);
        WriteIfNotNull(writer, "cwd"u8, entry.Cwd);
        WriteIfNotNull(writer, "forkedFrom"u8, entry.ForkedFrom);
        WriteIfNotNull(writer, "summary"u8, entry.Summary);
        WriteIfNotNull(writer, "keepFromUuid"u8, entry.KeepFromUuid);
        if (entry.Data is { } data)
        {
            writer.WritePropertyName("data"u8);
            data.WriteTo(writer);
        }
        writer.WriteEndObject();
    }

    private static bool CanWriteContent(AIContent content)
    {
        if (content.AdditionalProperties is not null || content.Annotations is not null)
        {
            return false;
        }
        var type = content.GetType();
        if (type == typeof(TextContent) || type == typeof(TextReasoningContent))
        {
            return true;
        }
        if (type == typeof(FunctionCallContent))
        {
            var call = (FunctionCallContent)content;
            if (call.Arguments is { } arguments)
            {
                foreach (var argument in arguments)
                {
                    if (!IsPlainValue(argument.Value))
                    {
                        return false;
                    }
                }
            }
            return true;
        }
        return type == typeof(FunctionResultContent) && IsPlainValue(((FunctionResultContent)content).Result);
    }

    /// <summary>
    /// A value whose serialization as <see cref="object"/> is one writer call (the serializer's own converters). An
    /// undefined <see cref="JsonElement"/> is left to the serializer (<see cref="Tools.ToolArguments.WriteValue"/> would
    /// write it as null).
    /// </summary>
    private static bool IsPlainValue(object? value) =>
        value is null or string or bool or int or long or double || value is JsonElement { ValueKind: not JsonValueKind.Undefined };

    private static void WriteMessage(Utf8JsonWriter writer, ChatMessage message)
    {
        writer.WriteStartObject();
        WriteIfNotNull(writer, "authorName"u8, message.AuthorName);
        if (message.CreatedAt is { } createdAt)
        {
            writer.WriteString("createdAt"u8, createdAt);
        }
        writer.WriteString("role"u8, message.Role.Value);
        writer.WriteStartArray("contents"u8);
        foreach (var content in message.Contents)
        {
            WriteContent(writer, content);
        }
        writer.WriteEndArray();
        WriteIfNotNull(writer, "messageId"u8, message.MessageId);
        writer.WriteEndObject();
    }

    private static void WriteContent(Utf8JsonWriter writer, AIContent content)
    {
        writer.WriteStartObject();
        switch (content)
        {
            case TextReasoningContent reasoning:
                writer.WriteString("$type"u8, "reasoning"u8);
                writer.WriteString("text"u8, reasoning.Text);
                WriteIfNotNull(writer, "protectedData"u8, reasoning.ProtectedData);
                break;
            case TextContent text:
                writer.WriteString("$type"u8, "text"u8);
                writer.WriteString("text"u8, text.Text);
                break;
            case FunctionCallContent call:
                writer.WriteString("$type"u8, "functionCall"u8);
                writer.WriteString("name"u8, call.Name);
                if (call.Arguments is { } arguments)
                {
                    writer.WriteStartObject("arguments"u8);
                    foreach (var argument in arguments)
                    {
                        writer.WritePropertyName(argument.Key);
                        WritePlainValue(writer, argument.Value);
                    }
                    writer.WriteEndObject();
                }
                writer.WriteBoolean("informationalOnly"u8, call.InformationalOnly);
                writer.WriteString("callId"u8, call.CallId);
                break;
            case FunctionResultContent result:
                writer.WriteString("$type"u8, "functionResult"u8);
                if (result.Result is { } value)
                {
                    writer.WritePropertyName("result"u8);
                    WritePlainValue(writer, value);
                }
                writer.WriteString("callId"u8, result.CallId);
                break;
            default:
                throw new InvalidOperationException($"{content.GetType().Name} is not written by hand (CanWrite is false for it)");
        }
        writer.WriteEndObject();
    }

    // Only values IsPlainValue accepted reach here, so the shared writer never falls back to the options.
    private static void WritePlainValue(Utf8JsonWriter writer, object? value) =>
        Tools.ToolArguments.WriteValue(writer, value, SessionJsonContext.Default.Options);

    private static void WriteUsage(Utf8JsonWriter writer, UsageDetails usage)
    {
        writer.WriteStartObject();
        WriteIfNotNull(writer, "inputTokenCount"u8, usage.InputTokenCount);
        WriteIfNotNull(writer, "outputTokenCount"u8, usage.OutputTokenCount);
        WriteIfNotNull(writer, "totalTokenCount"u8, usage.TotalTokenCount);
        WriteIfNotNull(writer, "cachedInputTokenCount"u8, usage.CachedInputTokenCount);
        WriteIfNotNull(writer, "reasoningTokenCount"u8, usage.ReasoningTokenCount);
        writer.WriteEndObject();
    }

    private static void WriteIfNotNull(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteIfNotNull(Utf8JsonWriter writer, ReadOnlySpan<byte> name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }

    private static ReadOnlySpan<byte> TypeName(SessionEntryType type) => type switch
    {
        SessionEntryType.User => "user"u8,
        SessionEntryType.Assistant => "assistant"u8,
        SessionEntryType.System => "system"u8,
        SessionEntryType.ToolCall => "tool_call"u8,
        SessionEntryType.ToolResult => "tool_result"u8,
        _ => "event"u8,
    };
}
