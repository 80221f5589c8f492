using System.Collections.Immutable;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>
/// <c>Read</c>: shows a text file with numbered lines (<c>cat -n</c> style: the number right-aligned in six columns, a
/// tab, the line), from <c>offset</c> for <c>limit</c> lines; cuts very long lines; refuses binary files and directories;
/// returns images as image content; records what it read in the session's <see cref="FileReadTracker"/>.
/// </summary>
/// <remarks>
/// <para>Concurrency: stateless apart from the shared tracker; any number of Reads may run at once, with each other and
/// with Edits and Writes of the same file. Writes replace files by atomic rename, so a Read sees one complete version;
/// the snapshot it records (a hash of every byte it read, length, modification time) is of exactly that version, and
/// is recorded only if that version is still the current one (see <see cref="FileReadTracker"/>).</para>
/// <para>Images (PNG, JPEG, GIF, WebP, found by their magic bytes, at most <see cref="MaxImageBytes"/>): the output says
/// what the image is, and <see cref="ToolResult.Metadata"/> carries the bytes under <see cref="ImageMetadataKey"/> (a
/// <c>byte[]</c>) and the media type under <see cref="MediaTypeMetadataKey"/> (e.g. <c>image/png</c>), for a client that
/// turns them into <c>DataContent</c> for a multimodal model.</para>
/// </remarks>
public sealed class ReadTool : ITool, IToolAccessDescriber, IPermissionFactsDescriber
{
    /// <summary>Metadata key of an image's bytes (<c>byte[]</c>).</summary>
    public const string ImageMetadataKey = "image";

    /// <summary>Metadata key of an image's media type (<c>string</c>, e.g. <c>image/png</c>).</summary>
    public const string MediaTypeMetadataKey = "media_type";

    /// <summary>Lines shown when no limit is given (as Claude Code).</summary>
    public const int DefaultLimit = 2000;

    /// <summary>Longer lines are cut to this many characters, with a marker.</summary>
    public const int MaxLineLength = 2000;

    /// <summary>The largest image returned (10 MiB, as the original).</summary>
    public const int MaxImageBytes = 10 * 1024 * 1024;

    private const int ChunkSize = 64 * 1024;

    private readonly FileReadTracker _tracker;

    public ReadTool(FileReadTracker tracker) => _tracker = tracker ?? throw new ArgumentNullException(nameof(tracker));

    public string Name => "Read";

    public string Description =>
        "Reads a file from the local filesystem. file_path must be an absolute path. By default it reads up to 2000 lines "
        + "from the start; give offset (the line number to start at) and limit (how many lines) for long files. Output is "
        + "numbered like cat -n (line number, tab, line); lines longer than 2000 characters are cut. Images (PNG, JPEG, GIF, "
        + "WebP) are returned as images. Binary files are refused; a directory is an error (use Glob to list files). "
        + "You must Read a file before you Edit or overwrite it with Write. When you need several files, read them in parallel "
        + "(several Read calls in one response); reading a file that turns out to be irrelevant is cheap, guessing its "
        + "contents is not.";

    public ToolCategory Category => ToolCategory.File;

    public ToolSchema Schema { get; } = ToolSchema.For(ToolArgsJsonContext.Default.ReadArgs);

    /// <summary>The permission facts of a call: the file it reads.</summary>
    public static PermissionFacts Facts(JsonElement arguments) => new() { Path = PermissionFacts.Argument(arguments, "file_path"), ReadOnly = true };

    /// <inheritdoc />
    public PermissionFacts DescribePermissions(JsonElement arguments) => Facts(arguments);

    public ToolAccess DescribeAccess(JsonElement arguments, ToolContext context) =>
        PermissionFacts.Argument(arguments, "file_path") is { } p
        && FilePathPolicy.TryResolve(p, "file_path", context, FileAccessKind.Read, out var resolved, out _)
            ? ToolAccess.Reading(resolved)
            : ToolAccess.None;

    public async Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Schema.TryRead(arguments, ToolArgsJsonContext.Default.ReadArgs, out var args, out var invalid))
        {
            return ToolResult.Fail(invalid);
        }
        var filePath = args.FilePath;
        var offset = Math.Max(1, args.Offset ?? 1);
        var limit = args.Limit ?? DefaultLimit;
        if (!FilePathPolicy.TryResolve(filePath, "file_path", context, FileAccessKind.Read, out var path, out var error))
        {
            return ToolResult.Fail(error);
        }
        await Task.Yield();
        if (Directory.Exists(path))
        {
            return ToolResult.Fail($"{filePath} is a directory, not a file. Use Glob (e.g. pattern \"*\" or \"**/*\" with path \"{filePath}\") to list its files.");
        }
        if (!File.Exists(path))
        {
            return ToolResult.Fail(MissingFileMessage(filePath, path));
        }
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
            var length = RandomAccess.GetLength(handle);
            var lastWrite = File.GetLastWriteTimeUtc(handle);
            var head = new byte[(int)Math.Min(length, TextCodec.BinarySniffLength)];
            var headRead = await ReadFullyAsync(handle, head, 0, cancellationToken).ConfigureAwait(false);
            head = head[..headRead];
            if (ImageMediaType(head) is { } mediaType)
            {
                return await ReadImageAsync(handle, path, filePath, length, lastWrite, mediaType, cancellationToken).ConfigureAwait(false);
            }
            if (TextCodec.LooksBinary(head))
            {
                var kind = head.AsSpan().StartsWith("%PDF"u8) ? "a PDF document (PDF reading is not supported)" : "a binary file";
                return ToolResult.Fail($"Cannot read {filePath}: it is {kind} ({length} bytes, with NUL bytes in its first "
                    + $"{TextCodec.BinarySniffLength} bytes). Read shows text files and PNG/JPEG/GIF/WebP images only; "
                    + "use Bash (e.g. file, xxd, strings) to inspect binary files.");
            }
            return await ReadTextAsync(handle, path, filePath, length, lastWrite, head, offset, limit, context.MaxOutputSize, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (UnauthorizedAccessException ex)
        {
            return ToolResult.Fail($"Permission denied reading {filePath}: {ex.Message}");
        }
        catch (IOException ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return ToolResult.Fail(MissingFileMessage(filePath, path));
        }
        catch (IOException ex)
        {
            return ToolResult.Fail($"Could not read {filePath}: {ex.Message}");
        }
    }

    private async Task<ToolResult> ReadImageAsync(SafeFileHandle handle, string path, string shownPath, long length, DateTime lastWrite,
        string mediaType, CancellationToken cancellationToken)
    {
        if (length > MaxImageBytes)
        {
            return ToolResult.Fail($"{shownPath} is a {mediaType} image of {length} bytes, larger than the {MaxImageBytes / (1024 * 1024)} MiB Read returns. "
                + "Resize it first (e.g. with ImageMagick through Bash).");
        }
        var bytes = new byte[length];
        var read = await ReadFullyAsync(handle, bytes, 0, cancellationToken).ConfigureAwait(false);
        bytes = read == bytes.Length ? bytes : bytes[..read];
        await FileFreshness.RecordReadAsync(_tracker, path, FileSnapshot.Of(bytes, lastWrite), cancellationToken).ConfigureAwait(false);
        var metadata = ImmutableDictionary<string, object?>.Empty
            .Add(ImageMetadataKey, bytes)
            .Add(MediaTypeMetadataKey, mediaType)
            .Add("bytes", bytes.Length);
        return ToolResult.Ok($"[Image: {mediaType}, {bytes.Length} bytes] {shownPath}", metadata);
    }

    private async Task<ToolResult> ReadTextAsync(SafeFileHandle handle, string path, string shownPath, long length, DateTime lastWrite,
        byte[] head, long offset, long limit, int maxOutput, CancellationToken cancellationToken)
    {
        var (encodingKind, bomLength) = TextCodec.DetectBom(head);
        var decoder = TextCodec.DisplayEncoding(encodingKind).GetDecoder();
        var hash = new XxHash128();
        var output = new StringBuilder();
        var lastLine = offset + limit - 1;
        long lineNumber = 1;
        long shown = 0;
        var outputFull = false;
        var current = new StringBuilder();
        long currentLength = 0;
        var bytes = new byte[ChunkSize];
        var chars = new char[TextCodec.DisplayEncoding(encodingKind).GetMaxCharCount(ChunkSize)];
        long position = 0;
        var total = 0L;
        var hasPartialLine = false;
        var endsWithCarriageReturn = false;

        void EndLine()
        {
            if (lineNumber >= offset && lineNumber <= lastLine && !outputFull)
            {
                // A CRLF line's '\r' is not part of the line, also when the line is cut before it (so it is not in
                // `current`) and then must not be counted in the length the marker reports.
                if (endsWithCarriageReturn)
                {
                    currentLength--;
                    if (current.Length > currentLength)
                    {
                        current.Length = (int)currentLength;
                    }
                }
                var text = current.ToString();
                var cut = currentLength > MaxLineLength
                    ? text[..MaxLineLength] + $"… [line truncated: {currentLength} characters]"
                    : text;
                var formatted = string.Create(CultureInfo.InvariantCulture, $"{lineNumber,6}\t{cut}\n");
                if (output.Length + formatted.Length > maxOutput && shown > 0)
                {
                    outputFull = true;
                }
                else
                {
                    output.Append(formatted);
                    shown++;
                }
            }
            lineNumber++;
            current.Clear();
            currentLength = 0;
            endsWithCarriageReturn = false;
        }

        while (true)
        {
            var read = await RandomAccess.ReadAsync(handle, bytes, position, cancellationToken).ConfigureAwait(false);
            var flush = read == 0;
            if (read > 0)
            {
                hash.Append(bytes.AsSpan(0, read));
                position += read;
            }
            var start = position - read < bomLength ? (int)(bomLength - (position - read)) : 0;
            start = Math.Min(start, read);
            var charCount = decoder.GetChars(bytes, start, read - start, chars, 0, flush);
            var span = chars.AsSpan(0, charCount);
            while (!span.IsEmpty)
            {
                var newline = span.IndexOf('\n');
                var piece = newline < 0 ? span : span[..newline];
                if (!piece.IsEmpty)
                {
                    hasPartialLine = true;
                    if (lineNumber >= offset && lineNumber <= lastLine)
                    {
                        var room = MaxLineLength + 1 - current.Length;
                        if (room > 0)
                        {
                            current.Append(piece[..Math.Min(room, piece.Length)]);
                        }
                        currentLength += piece.Length;
                        endsWithCarriageReturn = piece[^1] == '\r';
                    }
                }
                if (newline < 0)
                {
                    break;
                }
                total++;
                hasPartialLine = false;
                EndLine();
                span = span[(newline + 1)..];
            }
            if (flush)
            {
                break;
            }
        }
        if (hasPartialLine)
        {
            total++;
            EndLine();
        }
        var snapshot = new FileSnapshot(FileSnapshot.Hash(hash), position, lastWrite);
        await FileFreshness.RecordReadAsync(_tracker, path, snapshot, cancellationToken).ConfigureAwait(false);

        if (total == 0)
        {
            return ToolResult.Ok($"The file {shownPath} exists but is empty.", Metadata(0, 0, 0, offset, false));
        }
        if (offset > total)
        {
            return ToolResult.Fail($"offset {offset} is past the end of {shownPath}, which has {total} line{(total == 1 ? "" : "s")}. "
                + $"Use an offset between 1 and {total}.");
        }
        var lastShown = offset + shown - 1;
        var remaining = total - lastShown;
        var truncated = remaining > 0;
        if (truncated)
        {
            var why = outputFull ? $"the output reached its {maxOutput}-character limit" : $"the limit is {limit} line{(limit == 1 ? "" : "s")}";
            output.Append(CultureInfo.InvariantCulture,
                $"\n[Showing lines {offset}-{lastShown} of {total} ({why}). Use offset={lastShown + 1} to read more.]");
        }
        else if (output.Length > 0 && output[^1] == '\n')
        {
            output.Length--;
        }
        return ToolResult.Ok(output.ToString(), Metadata(shown, total, remaining, offset, truncated));
    }

    private static ImmutableDictionary<string, object?> Metadata(long shown, long total, long remaining, long offset, bool truncated) =>
        ImmutableDictionary<string, object?>.Empty
            .Add("lines_read", shown)
            .Add("total_lines", total)
            .Add("start_line", offset)
            .Add("remaining_lines", Math.Max(0, remaining))
            .Add("truncated", truncated);

    private static async Task<int> ReadFullyAsync(SafeFileHandle handle, byte[] buffer, long position, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(total), position + total, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }

    /// <summary>The media type of an image Read returns, found from its first bytes; null for anything else.</summary>
    internal static string? ImageMediaType(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "image/png";
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "image/jpeg";
        }
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return "image/gif";
        }
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }
        return null;
    }

    private static string MissingFileMessage(string shownPath, string path)
    {
        var message = $"File does not exist: {shownPath}.";
        try
        {
            var directory = Path.GetDirectoryName(path);
            var name = Path.GetFileName(path);
            if (directory is not null && Directory.Exists(directory))
            {
                var stem = Path.GetFileNameWithoutExtension(name);
                var similar = Directory.EnumerateFileSystemEntries(directory)
                    .Select(Path.GetFileName)
                    .OfType<string>()
                    .Where(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)
                        || string.Equals(Path.GetFileNameWithoutExtension(n), stem, StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .Take(3)
                    .ToList();
                if (similar.Count > 0)
                {
                    message += $" Did you mean {string.Join(" or ", similar.Select(n => Path.Join(Path.GetDirectoryName(shownPath), n)))}?";
                }
            }
            else
            {
                message += $" Its directory {Path.GetDirectoryName(shownPath)} does not exist either.";
            }
        }
        catch (IOException)
        {
            // Suggestions are a courtesy.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
        return message;
    }
}
