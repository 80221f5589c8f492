using System.Text.Json;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>
/// <c>Edit</c>: replaces the exact text <c>old_string</c> with <c>new_string</c> in a file (once, which must be unique,
/// or everywhere with <c>replace_all</c>). Keeps the file's encoding, BOM, invalid bytes and line endings (CRLF stays
/// CRLF); requires that the session read the file and that it has not changed since; returns a unified diff.
/// An empty <c>old_string</c> on a file that does not exist creates it (as Claude Code).
/// </summary>
/// <remarks>
/// Concurrency: stateless apart from the shared tracker. Read–check–replace–write–record runs while holding the path's
/// <see cref="FileMutationLock"/> (in-process gate, then inter-process lock), so concurrent edits of one file, from this
/// or another forge process, are applied one after another (none is lost: each applies to its predecessor's result) and
/// a reader sees a whole version. A file changed since the session's read is edited on its current content when
/// old_string is still found exactly once there, else refused (see <see cref="EditEngine"/>).
/// </remarks>
public sealed class EditTool : ITool, IToolAccessDescriber, IPermissionFactsDescriber
{
    private readonly FileReadTracker _tracker;

    public EditTool(FileReadTracker tracker) => _tracker = tracker ?? throw new ArgumentNullException(nameof(tracker));

    public string Name => "Edit";

    public string Description =>
        "Performs an exact string replacement in a file. You must Read the file in this session before editing it. "
        + "old_string must match the file exactly (whitespace and indentation included, without the line-number prefix "
        + "Read shows) and must be unique unless replace_all is true; include surrounding lines to make it unique. "
        + "The file's encoding and line endings are kept. Returns a unified diff of the change. Use the smallest old_string that "
        + "is unique; to rename something across a file use replace_all. For several changes to one file prefer MultiEdit.";

    public ToolCategory Category => ToolCategory.File;

    public ToolSchema Schema { get; } = ToolSchema.For(ToolArgsJsonContext.Default.EditArgs);

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
        if (!Schema.TryRead(arguments, ToolArgsJsonContext.Default.EditArgs, out var args, out var invalid))
        {
            return ToolResult.Fail(invalid);
        }
        var filePath = args.FilePath;
        var edit = new EditSpec(args.OldString, args.NewString, args.ReplaceAll ?? false);
        if (!FilePathPolicy.TryResolve(filePath, "file_path", context, FileAccessKind.Write, out var path, out var error))
        {
            return ToolResult.Fail(error);
        }
        return await EditEngine.RunAsync(_tracker, filePath, path, [edit], context, cancellationToken).ConfigureAwait(false);
    }
}
