namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>The read-before-write rules shared by Write, Edit and MultiEdit, and the Read side of them.</summary>
internal static class FileFreshness
{
    /// <summary>
    /// Why <paramref name="path"/> (whose current bytes are <paramref name="current"/>) may not be overwritten, or null
    /// when the session read it and it has not changed since (judged by content: length and SHA-256, not the
    /// modification time). Call while holding the path's <see cref="FileMutationLock"/>.
    /// </summary>
    public static string? CheckBeforeOverwrite(FileReadTracker tracker, string path, ReadOnlySpan<byte> current, string verb)
    {
        var seen = tracker.Get(path);
        if (seen is null)
        {
            return NotRead(path, verb);
        }
        return seen.Matches(current) ? null : Changed(seen, path, current.Length, "");
    }

    /// <summary>The refusal for a file the session has not read.</summary>
    public static string NotRead(string path, string verb) =>
        $"{path} exists but has not been read in this session. Read it first (Read with file_path '{path}'), "
        + $"then {verb} it: this keeps you from overwriting content you have not seen.";

    /// <summary>
    /// The refusal for a file whose content differs from what the session read (<paramref name="seen"/>), with
    /// <paramref name="reason"/> (empty, or a sentence saying why the change could not be applied to the new content).
    /// </summary>
    public static string Changed(FileSnapshot seen, string path, long currentLength, string reason)
    {
        var now = SafeLastWrite(path);
        return $"{path} has changed on disk since you last read it (it was {seen.Length} bytes modified at "
            + $"{seen.LastWriteTimeUtc:yyyy-MM-dd HH:mm:ss.fff}Z; it is now {currentLength} bytes modified at {now:yyyy-MM-dd HH:mm:ss.fff}Z). "
            + (reason.Length == 0 ? "" : reason + " ")
            + "Read it again and redo the change against the current content.";
    }

    /// <summary>
    /// Records what a Read saw, but only if the file on disk is still that version (same length and modification time),
    /// checked under the path's gate: a concurrent Edit's newer record is never replaced by an older Read.
    /// </summary>
    public static async Task RecordReadAsync(FileReadTracker tracker, string path, FileSnapshot snapshot, CancellationToken cancellationToken)
    {
        using var gate = await FileMutationGate.EnterAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length == snapshot.Length && info.LastWriteTimeUtc == snapshot.LastWriteTimeUtc)
            {
                tracker.Record(path, snapshot);
            }
        }
        catch (IOException)
        {
            // The file vanished or cannot be examined: record nothing.
        }
    }

    private static DateTime SafeLastWrite(string path)
    {
        try
        {
            return File.GetLastWriteTimeUtc(path);
        }
        catch (IOException)
        {
            return default;
        }
    }
}
