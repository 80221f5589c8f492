namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>Writes a whole file atomically: a temporary file in the same directory, flushed to disk, then renamed over the target.</summary>
/// <remarks>
/// Stateless and thread-safe. A concurrent reader of the target sees the old content or the new, never a mix, and a crash
/// leaves the old file intact (at worst a stray temporary file). An existing file's Unix mode is kept; its owner is kept
/// only when the process may set it (not attempted). Symbolic links are not replaced: callers pass the resolved path.
/// Callers hold the path's <see cref="FileMutationLock"/>, so no other forge writer of the file is between its temporary
/// file and its rename: any temporary file of the target still on disk then was left by a crashed process, and
/// <see cref="WriteAsync"/> deletes it first.
/// </remarks>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>, creating parent directories; returns the new modification time.</summary>
    public static async Task<DateTime> WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path) ?? throw new IOException($"'{path}' has no parent directory.");
        Directory.CreateDirectory(directory);
        UnixFileMode? mode = null;
        if (!OperatingSystem.IsWindows() && File.Exists(path))
        {
            mode = File.GetUnixFileMode(path);
        }
        DeleteStaleTemporaryFiles(path);
        var temp = Path.Join(directory, $"{TemporaryPrefix(path)}{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                Options = FileOptions.Asynchronous,
            };
            var stream = new FileStream(temp, options);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            if (mode is { } m && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, m);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        return File.GetLastWriteTimeUtc(path);
    }

    private const string TemporarySuffix = ".forge-tmp";

    private static string TemporaryPrefix(string path) => $".{Path.GetFileName(path)}.";

    /// <summary>
    /// Deletes the temporary files of <paramref name="path"/> (<c>.NAME.&lt;32 hex digits&gt;.forge-tmp</c> beside it) that a
    /// crashed writer left; returns how many. Call only while holding the path's <see cref="FileMutationLock"/>.
    /// </summary>
    internal static int DeleteStaleTemporaryFiles(string path)
    {
        var directory = Path.GetDirectoryName(path);
        if (directory is null || !Directory.Exists(directory))
        {
            return 0;
        }
        var prefix = TemporaryPrefix(path);
        var deleted = 0;
        try
        {
            foreach (var candidate in Directory.EnumerateFiles(directory, "*" + TemporarySuffix))
            {
                var name = Path.GetFileName(candidate.AsSpan());
                if (name.Length == prefix.Length + 32 + TemporarySuffix.Length
                    && name.StartsWith(prefix, StringComparison.Ordinal)
                    && name.EndsWith(TemporarySuffix, StringComparison.Ordinal)
                    && Guid.TryParseExact(name.Slice(prefix.Length, 32), "N", out _))
                {
                    deleted += TryDelete(candidate) ? 1 : 0;
                }
            }
        }
        catch (IOException)
        {
            // Best effort: the directory could not be listed; the write itself reports real problems.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
        return deleted;
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            // Best effort: a stray temporary file is harmless.
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
            return false;
        }
    }
}
