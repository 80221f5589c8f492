namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>The read-before-write rules shared by Write, Edit and MultiEdit, and the Read side of them.</summary>
internal static class FileFreshness
{
    /// <summary>
    /// Why <paramref name="path"/> (whose current bytes are <paramref name="current"/>) may not be overwritten, or null
    /// when the session read it and it has not changed since. Call while holding the path's <see cref="FileMutationGate"/>.
    /// </summary>
    public static string? CheckBeforeOverwrite(FileReadTracker tracker, string path, ReadOnlySpan<byte> current, string verb)
    {
        var seen = tracker.Get(path);
        if (seen is null)
        {
            return $"{path} exists but has not been read in this session. Read it first (Read with file_path '{path}'), "
                + $"then {verb} it: this keeps you from overwriting content you have not seen.";
        }
        if (!seen.Matches(current))
        {
            var now = SafeLastWrite(path);
            return $"{path} has changed on disk since you last read it (it was {seen.Length} bytes modified at "
                + $"{seen.LastWriteTimeUtc:yyyy-MM-dd HH:mm:ss.fff}Z; it is now {current.Length} bytes modified at {now:yyyy-MM-dd HH:mm:ss.fff}Z). "
                + $"Read it again and redo the change against the current content.";
        }
        return null;
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
