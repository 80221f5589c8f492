using System.Text.Json;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>
/// Reads typed arguments from a tool call's JSON object. The executor has already validated them against the schema; a
/// direct caller that did not gets a clear <see cref="ToolArgumentException"/> instead of a crash.
/// </summary>
internal static class ToolArgs
{
    public static bool TryGet(JsonElement arguments, string name, out JsonElement value)
    {
        value = default;
        return arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    public static string? String(JsonElement arguments, string name) =>
        !TryGet(arguments, name, out var v) ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : throw new ToolArgumentException($"'{name}' must be a string.");

    public static string RequiredString(JsonElement arguments, string name) =>
        String(arguments, name) ?? throw new ToolArgumentException($"'{name}' is required.");

    public static long? Integer(JsonElement arguments, string name) =>
        !TryGet(arguments, name, out var v) ? null
        : v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l
        : throw new ToolArgumentException($"'{name}' must be an integer.");

    public static bool? Boolean(JsonElement arguments, string name) =>
        !TryGet(arguments, name, out var v) ? null
        : v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ToolArgumentException($"'{name}' must be true or false."),
        };
}

/// <summary>A tool argument is missing or has the wrong type (only when a tool is called without the executor's validation).</summary>
internal sealed class ToolArgumentException(string message) : Exception(message);
