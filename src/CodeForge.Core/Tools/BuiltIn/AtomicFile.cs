namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>Writes a whole file atomically: a temporary file in the same directory, flushed to disk, then renamed over the target.</summary>
/// <remarks>
/// Stateless and thread-safe. A concurrent reader of the target sees the old content or the new, never a mix, and a crash
/// leaves the old file intact (at worst a stray temporary file). An existing file's Unix mode is kept; its owner is kept
/// only when the process may set it (not attempted). Symbolic links are not replaced: callers pass the resolved path.
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
        var temp = Path.Join(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.forge-tmp");
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

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a stray temporary file is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
