using System.Text;
using System.Text.Json;

namespace CodeForge.Core.Config;

/// <summary>
/// Maps each key path of a JSON document (<c>permissions.allow[2]</c>) to the 1-based line it starts on, so a settings
/// error can say where it is. JsonDocument keeps no positions; a forward pass of <see cref="Utf8JsonReader"/> does.
/// </summary>
internal static class KeyLines
{
    public static IReadOnlyDictionary<string, int> Index(string json) => Index(Encoding.UTF8.GetBytes(json));

    /// <summary>As <see cref="Index(string)"/>, for JSON already in UTF-8.</summary>
    public static IReadOnlyDictionary<string, int> Index(ReadOnlySpan<byte> bytes)
    {
        var lineStarts = LineStarts(bytes);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions
        {
            AllowTrailingCommas = true,
            CommentHandling = JsonCommentHandling.Skip,
        });
        // Each frame: the path of the container, and for arrays the next index.
        var stack = new Stack<(string Path, bool IsArray, int Index)>();
        string? pendingProperty = null;
        try
        {
            while (reader.Read())
            {
                var line = LineOf(lineStarts, (int)reader.TokenStartIndex);
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var parent = stack.Count > 0 ? stack.Peek().Path : "";
                        pendingProperty = parent.Length == 0 ? reader.GetString()! : parent + "." + reader.GetString();
                        result.TryAdd(pendingProperty, line);
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        var path = ValuePath(stack, ref pendingProperty, result, line);
                        stack.Push((path, reader.TokenType == JsonTokenType.StartArray, 0));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        stack.Pop();
                        break;
                    default:
                        ValuePath(stack, ref pendingProperty, result, line);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Positions up to the error are still useful; the parser reports the error itself.
        }
        return result;
    }

    private static string ValuePath(Stack<(string Path, bool IsArray, int Index)> stack, ref string? pendingProperty,
        Dictionary<string, int> result, int line)
    {
        if (stack.Count > 0 && stack.Peek().IsArray)
        {
            var (path, isArray, index) = stack.Pop();
            stack.Push((path, isArray, index + 1));
            var itemPath = $"{path}[{index}]";
            result.TryAdd(itemPath, line);
            return itemPath;
        }
        var property = pendingProperty ?? "";
        pendingProperty = null;
        return property;
    }

    /// <summary>The offset each line starts at: 0, then one past every newline.</summary>
    private static int[] LineStarts(ReadOnlySpan<byte> bytes)
    {
        var starts = new int[bytes.Count((byte)'\n') + 1];
        var line = 1;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                starts[line++] = i + 1;
            }
        }
        return starts;
    }

    // An array and Array.BinarySearch, not List<int>.BinarySearch: the Coyote 1.7.11 rewriter (systematic tests) replaces
    // that call by its List wrapper's BinarySearch, which it declares as returning void, so the rewritten method stores a
    // value that is not on the stack and the JIT rejects it (InvalidProgramException). Arrays are not rewritten.
    private static int LineOf(int[] lineStarts, int offset)
    {
        var index = Array.BinarySearch(lineStarts, offset);
        return (index >= 0 ? index : ~index - 1) + 1;
    }
}
