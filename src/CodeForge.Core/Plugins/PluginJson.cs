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
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(LoadDiagnostic.Fail(path, null, $"cannot read the {what}: {ex.Message}"));
            return null;
        }
        return Parse(bytes, path, diagnostics, what);
    }

    private static readonly JsonReaderOptions ReaderOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>
    /// Parses a file's bytes straight from UTF-8: one pass of <see cref="Utf8JsonReader"/> into the element, no text
    /// decoded and no copy; the key-line index is built only when a message asks for a line. Anything the fast pass does
    /// not take (invalid JSON, invalid UTF-8, other byte order marks) goes through <see cref="Parse(string, string, ICollection{LoadDiagnostic}, string)"/>
    /// as the text <see cref="File.ReadAllText(string, Encoding)"/> gives, so the result and every diagnostic are the same.
    /// </summary>
    internal static PluginJsonFile? Parse(byte[] bytes, string path, ICollection<LoadDiagnostic> diagnostics, string what)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        // Invalid UTF-8 inside a string would only fail when the string is read: the text path replaces it, as before.
        if (System.Text.Unicode.Utf8.IsValid(bytes.AsSpan(start)))
        {
            try
            {
                var reader = new Utf8JsonReader(bytes.AsSpan(start), ReaderOptions);
                var root = JsonElement.ParseValue(ref reader);
                if (!reader.Read())
                {
                    var body = new ReadOnlyMemory<byte>(bytes, start, bytes.Length - start);
                    return new PluginJsonFile(path, root, new LazyKeyLines(body));
                }
            }
            catch (JsonException)
            {
                // Reported by the text path below, as before.
            }
        }
        string text;
        using (var stream = new StreamReader(new MemoryStream(bytes), Encoding.UTF8))
        {
            text = stream.ReadToEnd();
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

/// <summary>The key-line index of a JSON file (<see cref="KeyLines.Index(ReadOnlySpan{byte})"/>), built on first use: most
/// plugin files are read without any message that needs a line.</summary>
/// <remarks>Thread-safe: the index is built once (<see cref="LazyThreadSafetyMode.ExecutionAndPublication"/>) and immutable after.</remarks>
internal sealed class LazyKeyLines(ReadOnlyMemory<byte> json) : IReadOnlyDictionary<string, int>
{
    private readonly Lazy<IReadOnlyDictionary<string, int>> _index = new(() => KeyLines.Index(json.Span), LazyThreadSafetyMode.ExecutionAndPublication);

    public int this[string key] => _index.Value[key];

    public IEnumerable<string> Keys => _index.Value.Keys;

    public IEnumerable<int> Values => _index.Value.Values;

    public int Count => _index.Value.Count;

    public bool ContainsKey(string key) => _index.Value.ContainsKey(key);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out int value) => _index.Value.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, int>> GetEnumerator() => _index.Value.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
