using System.Globalization;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>Writes a whole file atomically: a temporary file in the same directory, flushed to disk, then renamed over the target.</summary>
/// <remarks>
/// Stateless and thread-safe. A concurrent reader of the target sees the old content or the new, never a mix, and a crash
/// leaves the old file intact (at worst a stray temporary file). An existing file's Unix mode is kept; its owner is kept
/// only when the process may set it (not attempted). Symbolic links are not replaced: callers pass the resolved path.
/// The temporary file is named <c>.NAME.&lt;pid&gt;.&lt;guid&gt;.forge-tmp</c>. Callers hold the path's
/// <see cref="FileMutationLock"/>, and <see cref="WriteAsync"/> first deletes the target's temporary files whose process
/// is no longer running (left by a writer killed between its temporary file and its rename). The process check, not
/// only the lock, decides, so the in-flight file of a live writer that does not share the lock (another user, another
/// lock folder) is never deleted.
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
        var temp = Path.Join(directory, $"{TemporaryPrefix(path)}{Environment.ProcessId}.{Guid.NewGuid():N}{TemporarySuffix}");
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
    /// Deletes the temporary files of <paramref name="path"/> (<c>.NAME.&lt;pid&gt;.&lt;32 hex digits&gt;.forge-tmp</c> beside
    /// it) whose writer process is no longer running; returns how many. Call while holding the path's
    /// <see cref="FileMutationLock"/>.
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
                if (name.Length <= prefix.Length + 33 + TemporarySuffix.Length
                    || !name.StartsWith(prefix, StringComparison.Ordinal)
                    || !name.EndsWith(TemporarySuffix, StringComparison.Ordinal))
                {
                    continue;
                }
                var middle = name[prefix.Length..^TemporarySuffix.Length];
                var dot = middle.IndexOf('.');
                if (dot > 0
                    && int.TryParse(middle[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                    && Guid.TryParseExact(middle[(dot + 1)..], "N", out _)
                    && !IsRunning(pid))
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

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }
        // A writer killed a moment ago is a zombie until its parent reaps it: it holds no lock and will write nothing more.
        if (OperatingSystem.IsLinux())
        {
            return CodeForge.Core.Shells.ProcFs.TryReadStat(pid, out var stat) && !stat.IsDead;
        }
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // No such process.
        }
        catch (InvalidOperationException)
        {
            return false;
        }
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
