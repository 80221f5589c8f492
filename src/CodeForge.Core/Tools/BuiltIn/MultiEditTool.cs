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

    public ToolSchema Schema { get; } = ToolSchema.For(ToolArgsJsonContext.Default.MultiEditArgs);

    /// <summary>The permission facts of a call: the file it edits.</summary>
    public static PermissionFacts Facts(JsonElement arguments) => new() { Path = PermissionFacts.Argument(arguments, "file_path") };

    /// <inheritdoc />
    public PermissionFacts DescribePermissions(JsonElement arguments) => Facts(arguments);

    public ToolAccess DescribeAccess(JsonElement arguments, ToolContext context) =>
        PermissionFacts.Argument(arguments, "file_path") is { } p
        && FilePathPolicy.TryResolve(p, "file_path", context, FileAccessKind.Write, out var resolved, out _)
            ? ToolAccess.Writing(resolved)
            : ToolAccess.None;

    public async Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Schema.TryRead(arguments, ToolArgsJsonContext.Default.MultiEditArgs, out var args, out var invalid))
        {
            return ToolResult.Fail(invalid);
        }
        var filePath = args.FilePath;
        var edits = args.Edits.Select(e => new EditSpec(e.OldString, e.NewString, e.ReplaceAll ?? false)).ToList();
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
