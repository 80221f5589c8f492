using System.Text.Json;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>
/// What an Edit, MultiEdit or Write call would change, as a unified diff, worked out without writing anything (a
/// permission prompt shows it before the user decides). The same replacement rules as the tools themselves.
/// </summary>
/// <remarks>Stateless and thread-safe; reads the file once. The file may change before the call runs: the diff shows
/// what the call would do at the moment it is asked about.</remarks>
public static class EditPreview
{
    private const int MaxDiffCharacters = 20_000;

    /// <summary>The diff, or null when the call is not a file edit, cannot apply (the tool will say why), or changes nothing.</summary>
    public static string? Diff(string toolName, JsonElement arguments, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(toolName);
        if (arguments.ValueKind != JsonValueKind.Object || Str(arguments, "file_path") is not { Length: > 0 } path)
        {
            return null;
        }
        var full = Path.GetFullPath(path, workingDirectory);
        string before;
        try
        {
            before = File.Exists(full) ? File.ReadAllText(full) : "";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        List<EditSpec> edits;
        switch (toolName)
        {
            case "Write":
                return Str(arguments, "content") is { } content ? NonEmpty(EditEngine.Diff(before, content, Path.GetFileName(full), MaxDiffCharacters)) : null;
            case "Edit":
                edits = [Spec(arguments)];
                break;
            case "MultiEdit" when arguments.TryGetProperty("edits", out var list) && list.ValueKind == JsonValueKind.Array:
                edits = [.. list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(Spec)];
                break;
            default:
                return null;
        }
        var lineEnding = TextCodec.DetectLineEnding(before);
        var after = before;
        foreach (var edit in edits)
        {
            if (!EditEngine.TryApply(after, edit, lineEnding, path, out after, out _, out _))
            {
                return null;
            }
        }
        return NonEmpty(EditEngine.Diff(before, after, Path.GetFileName(full), MaxDiffCharacters));
    }

    private static EditSpec Spec(JsonElement e) =>
        new(Str(e, "old_string") ?? "", Str(e, "new_string") ?? "", e.TryGetProperty("replace_all", out var all) && all.ValueKind == JsonValueKind.True);

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? NonEmpty(string diff) => diff.Length == 0 ? null : diff;
}
