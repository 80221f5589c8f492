using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodeForge.Core.Tools;

/// <summary>Turns a model's tool-call arguments (a name→value dictionary, as Microsoft.Extensions.AI gives them) into JSON.</summary>
/// <remarks>
/// Stateless and thread-safe. JSON elements and nodes, strings, bools and numbers are written without reflection; other
/// values go through the given options' type info (source-generated contracts under AOT).
/// </remarks>
public static class ToolArguments
{
    /// <summary>An empty JSON object.</summary>
    public static JsonElement Empty { get; } = JsonElement.Parse("{}");

    /// <summary>Writes <paramref name="arguments"/> as one JSON object.</summary>
    public static JsonElement ToJson(IEnumerable<KeyValuePair<string, object?>>? arguments, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (arguments is null)
        {
            return Empty;
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in arguments)
            {
                writer.WritePropertyName(key);
                WriteValue(writer, value, options);
            }
            writer.WriteEndObject();
        }
        return JsonElement.Parse(buffer.WrittenSpan);
    }

    /// <summary>Writes one argument value: the plain kinds by one writer call, anything else through <paramref name="options"/>.</summary>
    internal static void WriteValue(Utf8JsonWriter writer, object? value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case null:
            case JsonElement { ValueKind: JsonValueKind.Undefined }:
                writer.WriteNullValue();
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case JsonNode node:
                node.WriteTo(writer);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case float f:
                writer.WriteNumberValue(f);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            default:
                JsonSerializer.Serialize(writer, value, options.GetTypeInfo(value.GetType()));
                break;
        }
    }
}
