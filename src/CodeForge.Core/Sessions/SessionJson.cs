using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Sessions;

/// <summary>Source-generated (AOT-safe) JSON metadata for transcripts and the index.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SessionEntry))]
[JsonSerializable(typeof(SessionIndexFile))]
internal sealed partial class SessionJsonContext : JsonSerializerContext;

/// <summary>Serializes <see cref="ChatMessage"/> with Microsoft.Extensions.AI's own (source-generated) contract.</summary>
internal sealed class ChatMessageJsonConverter : JsonConverter<ChatMessage>
{
    private static JsonTypeInfo<ChatMessage> TypeInfo =>
        (JsonTypeInfo<ChatMessage>)AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatMessage));

    public override ChatMessage? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, TypeInfo);

    public override void Write(Utf8JsonWriter writer, ChatMessage value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, TypeInfo);
}

/// <summary>Serializes <see cref="UsageDetails"/> with Microsoft.Extensions.AI's own contract.</summary>
internal sealed class UsageDetailsJsonConverter : JsonConverter<UsageDetails>
{
    private static JsonTypeInfo<UsageDetails> TypeInfo =>
        (JsonTypeInfo<UsageDetails>)AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(UsageDetails));

    public override UsageDetails? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, TypeInfo);

    public override void Write(Utf8JsonWriter writer, UsageDetails value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, TypeInfo);
}

/// <summary>Line encoding of transcript entries.</summary>
internal static class SessionJson
{
    /// <summary>One entry as UTF-8 JSON followed by <c>\n</c>: exactly the bytes of one transcript line.</summary>
    public static byte[] ToLine(SessionEntry entry)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            // The common shapes by hand (no contracts built on first use); the same bytes either way (SessionLineWriter).
            if (SessionLineWriter.CanWrite(entry))
            {
                SessionLineWriter.Write(writer, entry);
            }
            else
            {
                JsonSerializer.Serialize(writer, entry, SessionJsonContext.Default.SessionEntry);
            }
        }
        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses one line (without its <c>\n</c>); false with a reason when it is not a valid entry.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out SessionEntry? entry, out string? error)
    {
        try
        {
            entry = JsonSerializer.Deserialize(line, SessionJsonContext.Default.SessionEntry);
            if (entry is null)
            {
                error = "the line is JSON null, not an entry";
                return false;
            }
            if (string.IsNullOrEmpty(entry.Uuid) || string.IsNullOrEmpty(entry.SessionId))
            {
                entry = null;
                error = "the entry lacks uuid or sessionId";
                return false;
            }
            if (entry.IsMessage && entry.Message is null)
            {
                entry = null;
                error = "a message entry lacks its message";
                return false;
            }
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            entry = null;
            error = ex.Message;
            return false;
        }
    }
}
