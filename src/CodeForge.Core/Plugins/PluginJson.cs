using System.Buffers;
using System.Text;
using System.Text.Json;
using CodeForge.Core.Config;
using CodeForge.Core.Skills;

namespace CodeForge.Core.Plugins;

/// <summary>A parsed plugin JSON file: its root element and the line of every key (for messages).</summary>
internal sealed record PluginJsonFile(string Path, JsonElement Root, IReadOnlyDictionary<string, int> Lines)
{
    public int? LineOf(string key) => Lines.TryGetValue(key, out var l) ? l : null;
}

/// <summary>JSON helpers for plugin files: lenient parsing (comments, trailing commas) with line numbers, and placeholder substitution.</summary>
internal static class PluginJson
{
    private static readonly JsonDocumentOptions Options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>Reads and parses <paramref name="path"/>; on failure adds an error naming the file and line and returns null.</summary>
    public static PluginJsonFile? Read(string path, ICollection<LoadDiagnostic> diagnostics, string what)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(LoadDiagnostic.Fail(path, null, $"cannot read the {what}: {ex.Message}"));
            return null;
        }
        return Parse(text, path, diagnostics, what);
    }

    public static PluginJsonFile? Parse(string text, string path, ICollection<LoadDiagnostic> diagnostics, string what)
    {
        try
        {
            using var doc = JsonDocument.Parse(text, Options);
            return new PluginJsonFile(path, doc.RootElement.Clone(), KeyLines.Index(text));
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var why = ex.Message;
            var cut = why.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut > 0)
            {
                why = why[..cut];
            }
            diagnostics.Add(LoadDiagnostic.Fail(path, line, $"invalid JSON in the {what}: {why}"));
            return null;
        }
    }

    /// <summary>A copy of <paramref name="element"/> with <paramref name="replace"/> applied to every string value (not to property names).</summary>
    public static JsonElement MapStrings(JsonElement element, Func<string, string> replace)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, element, replace);
        }
        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element, Func<string, string> replace)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var p in element.EnumerateObject())
                {
                    writer.WritePropertyName(p.Name);
                    Write(writer, p.Value, replace);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, replace);
                }
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(replace(element.GetString()!));
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
