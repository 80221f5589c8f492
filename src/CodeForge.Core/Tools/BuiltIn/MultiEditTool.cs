using System.Text.Json;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>
/// <c>MultiEdit</c>: several exact replacements in one file, applied in order (each to the result of the previous), all
/// or nothing: if any edit fails, the file is left untouched and the error names the edit. Same rules as
/// <see cref="EditTool"/> (read first, no stale file, encoding and line endings kept, unified diff).
/// </summary>
/// <remarks>Concurrency: as <see cref="EditTool"/>; the whole batch is one step under the path's gate.</remarks>
public sealed class MultiEditTool : ITool, IToolAccessDescriber, IPermissionFactsDescriber
{
    private readonly FileReadTracker _tracker;

    public MultiEditTool(FileReadTracker tracker) => _tracker = tracker ?? throw new ArgumentNullException(nameof(tracker));

    public string Name => "MultiEdit";

    public string Description =>
        "Makes several exact string replacements in one file in a single step. Each edit is applied to the result of the "
        + "previous one; if any edit fails, none is applied. Same rules as Edit: Read the file first, old_string must match "
        + "exactly and be unique unless replace_all is true. Prefer it to several Edit calls on the same file; for changes in "
        + "different files use one Edit or MultiEdit per file (in parallel), and for a new file use Write.";

    public ToolCategory Category => ToolCategory.File;

    public ToolSchema Schema { get; } = ToolSchema.Create(
        new ToolParameter("file_path", ToolParameterType.String, "The absolute path to the file to modify.") { MinLength = 1 },
        new ToolParameter("edits", ToolParameterType.Array, "The edits to apply, in order.")
        {
            Items = new ToolParameter("edit", ToolParameterType.Object, "One replacement.")
            {
                Properties =
                [
                    new ToolParameter("old_string", ToolParameterType.String, "The text to replace."),
                    new ToolParameter("new_string", ToolParameterType.String, "The text to replace it with."),
                    new ToolParameter("replace_all", ToolParameterType.Boolean, "Replace every occurrence (default false).")
                    { Required = false, DefaultValue = false },
                ],
            },
        });

    /// <summary>The permission facts of a call: the file it edits.</summary>
    public static PermissionFacts Facts(JsonElement arguments) => new() { Path = PermissionFacts.Argument(arguments, "file_path") };

    /// <inheritdoc />
    public PermissionFacts DescribePermissions(JsonElement arguments) => Facts(arguments);

    public ToolAccess DescribeAccess(JsonElement arguments, ToolContext context) =>
        ToolArgs.TryGet(arguments, "file_path", out var p) && p.ValueKind == JsonValueKind.String
        && FilePathPolicy.TryResolve(p.GetString(), "file_path", context, FileAccessKind.Write, out var resolved, out _)
            ? ToolAccess.Writing(resolved)
            : ToolAccess.None;

    public async Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string filePath;
        var edits = new List<EditSpec>();
        try
        {
            filePath = ToolArgs.RequiredString(arguments, "file_path");
            if (!ToolArgs.TryGet(arguments, "edits", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                return ToolResult.Fail("'edits' is required: an array of {old_string, new_string, replace_all?} objects.");
            }
            foreach (var item in list.EnumerateArray())
            {
                var label = $"edits[{edits.Count}]";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    return ToolResult.Fail($"'{label}' must be an object with old_string and new_string.");
                }
                edits.Add(new EditSpec(
                    ToolArgs.String(item, "old_string") ?? throw new ToolArgumentException($"'{label}.old_string' is required."),
                    ToolArgs.String(item, "new_string") ?? throw new ToolArgumentException($"'{label}.new_string' is required."),
                    ToolArgs.Boolean(item, "replace_all") ?? false));
            }
        }
        catch (ToolArgumentException ex)
        {
            return ToolResult.Fail(ex.Message);
        }
        if (edits.Count == 0)
        {
            return ToolResult.Fail("'edits' is empty: give at least one {old_string, new_string} edit.");
        }
        if (!FilePathPolicy.TryResolve(filePath, "file_path", context, FileAccessKind.Write, out var path, out var error))
        {
            return ToolResult.Fail(error);
        }
        return await EditEngine.RunAsync(_tracker, filePath, path, edits, context, cancellationToken).ConfigureAwait(false);
    }
}
