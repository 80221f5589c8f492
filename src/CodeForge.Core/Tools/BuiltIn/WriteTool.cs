using System.Collections.Immutable;
using System.Text.Json;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>
/// <c>Write</c>: writes a whole file. Creates parent directories; writes atomically (temporary file, then rename) and keeps
/// an existing file's mode, encoding (BOM, UTF-16) and CRLF line endings. Overwriting an existing file requires that the
/// session read it and that it has not changed since.
/// </summary>
/// <remarks>
/// Concurrency: stateless apart from the shared tracker. The freshness check, the write and the tracker update run while
/// holding the path's <see cref="FileMutationLock"/> (the in-process gate, then the inter-process lock), so concurrent
/// Writes/Edits of one file, in this or another forge process, apply one at a time and each sees the previous one's
/// result; readers see the old or the new content, never a mix. A file that changed since the session read it (by
/// content) is never overwritten.
/// </remarks>
public sealed class WriteTool : ITool, IToolAccessDescriber, IPermissionFactsDescriber
{
    private readonly FileReadTracker _tracker;

    public WriteTool(FileReadTracker tracker) => _tracker = tracker ?? throw new ArgumentNullException(nameof(tracker));

    public string Name => "Write";

    public string Description =>
        "Writes a file to the local filesystem, replacing it if it exists. file_path must be an absolute path; missing "
        + "parent directories are created. To overwrite an existing file you must Read it first in this session (the write "
        + "is refused if the file changed since). Prefer Edit for changing part of a file. Do not create files the task does "
        + "not need (no README or other documentation unless asked).";

    public ToolCategory Category => ToolCategory.File;

    public ToolSchema Schema { get; } = ToolSchema.For(ToolArgsJsonContext.Default.WriteArgs);

    /// <summary>The permission facts of a call: the file it writes.</summary>
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
        if (!Schema.TryRead(arguments, ToolArgsJsonContext.Default.WriteArgs, out var args, out var invalid))
        {
            return ToolResult.Fail(invalid);
        }
        var filePath = args.FilePath;
        var content = args.Content;
        if (!FilePathPolicy.TryResolve(filePath, "file_path", context, FileAccessKind.Write, out var path, out var error))
        {
            return ToolResult.Fail(error);
        }
        using var gate = await FileMutationLock.EnterAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            if (Directory.Exists(path))
            {
                return ToolResult.Fail($"{filePath} is a directory; give the path of a file to write.");
            }
            var exists = File.Exists(path);
            var encoding = TextEncodingKind.Utf8;
            var text = content;
            if (exists)
            {
                var current = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
                if (FileFreshness.CheckBeforeOverwrite(_tracker, path, current, "overwrite") is { } stale)
                {
                    return ToolResult.Fail(stale);
                }
                if (!TextCodec.LooksBinary(current))
                {
                    var decoded = TextCodec.Decode(current);
                    encoding = decoded.Encoding;
                    if (decoded.LineEnding == LineEnding.CrLf && !content.Contains("\r\n", StringComparison.Ordinal))
                    {
                        text = TextCodec.ToCrLf(content);
                    }
                }
            }
            var bytes = TextCodec.Encode(text, encoding);
            var written = await AtomicFile.WriteAsync(path, bytes, cancellationToken).ConfigureAwait(false);
            _tracker.Record(path, FileSnapshot.Of(bytes, written));
            var lines = text.Length == 0 ? 0 : text.Count(c => c == '\n') + (text.EndsWith('\n') ? 0 : 1);
            var verb = exists ? "Updated" : "Created";
            var metadata = ImmutableDictionary<string, object?>.Empty
                .Add("bytes_written", bytes.Length)
                .Add("lines", lines)
                .Add("created", !exists);
            return ToolResult.Ok($"{verb} {filePath} ({bytes.Length} bytes, {lines} line{(lines == 1 ? "" : "s")}).", metadata);
        }
        catch (UnauthorizedAccessException ex)
        {
            return ToolResult.Fail($"Permission denied writing {filePath}: {ex.Message}");
        }
        catch (IOException ex)
        {
            return ToolResult.Fail($"Could not write {filePath}: {ex.Message}");
        }
    }
}
