using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace CodeForge.Core.Sessions;

/// <summary>
/// A project's session index, <c>sessions-index.json</c>: one <see cref="SessionSummary"/> per transcript, for listing
/// without reading every transcript. The transcripts are the source of truth: a missing, unreadable or stale index (a
/// summary whose <see cref="SessionSummary.FileLength"/> differs from its file's, a transcript with no summary, a
/// summary with no transcript) is repaired from the <c>.jsonl</c> files when listed.
/// </summary>
/// <remarks>
/// Thread-safe and multi-process safe. Every update is read-modify-write under the project's index lock file
/// (<c>.locks/sessions-index.json.lock</c>, an OS file lock, plus an in-process monitor so threads queue instead of
/// polling), and is published by writing a temp file and renaming it over the index (temp files left by a process
/// that died before its rename are deleted by the next update, under the lock); so concurrent updaters
/// never lose each other's entries and a reader always sees a whole index, old or new. <see cref="List"/> takes no lock
/// unless it has something to repair. An update never replaces a summary with one taken from a shorter transcript, so
/// racing commits of one session cannot move its summary backwards.
/// An update that cannot take the lock within <see cref="LockTimeout"/> is dropped, not thrown: <see cref="Upsert"/>
/// returns false and a listing returns its repair unwritten; the transcripts stay the truth and the next listing repairs.
/// </remarks>
public sealed class SessionIndex
{
    private static readonly ConcurrentDictionary<string, object> Monitors = new(StringComparer.Ordinal);
    private static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time;

    public SessionIndex(string projectDirectory, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projectDirectory);
        ProjectDirectory = Path.GetFullPath(projectDirectory);
        IndexPath = Path.Combine(ProjectDirectory, SessionPaths.IndexFileName);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How long an update waits for the index lock before it gives up (30 s; shorter in tests).</summary>
    internal TimeSpan LockTimeout { get; init; } = DefaultLockTimeout;

    /// <summary>The project's session folder.</summary>
    public string ProjectDirectory { get; }

    /// <summary>The index file.</summary>
    public string IndexPath { get; }

    /// <summary>
    /// Every session of the project, newest (last updated) first. A stale index is repaired from the transcripts, and the
    /// repair written back unless <paramref name="writeRepairs"/> is false (then nothing is written).
    /// </summary>
    public IReadOnlyList<SessionSummary> List(bool writeRepairs = true)
    {
        if (!Directory.Exists(ProjectDirectory))
        {
            return [];
        }
        var current = ReadIndex(out var valid);
        var reconciled = Reconcile(current, out var changed);
        if ((changed || !valid) && writeRepairs)
        {
            try
            {
                reconciled = Update(existing => Reconcile(existing, out _));
            }
            catch (Exception ex) when (IsBestEffortFailure(ex))
            {
                // The repair is listed all the same; the next listing that gets the lock writes it.
            }
        }
        return Sort(reconciled.Values);
    }

    /// <summary>
    /// Records <paramref name="summary"/> unless the index holds one of the same session from a longer transcript.
    /// Best effort: the index is a cache of the transcripts, so when it cannot be updated (its lock is not free within
    /// the lock timeout, or the write fails) this returns false and the session goes on; the next listing finds the
    /// summary missing or stale and repairs it from the transcript.
    /// </summary>
    public bool Upsert(SessionSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        try
        {
            Update(existing =>
            {
                if (!existing.TryGetValue(summary.SessionId, out var old) || old.FileLength <= summary.FileLength)
                {
                    existing[summary.SessionId] = summary;
                }
                return existing;
            });
            return true;
        }
        catch (Exception ex) when (IsBestEffortFailure(ex))
        {
            return false;
        }
    }

    // A lock that stayed taken past the timeout, or a failed read or write of the index: never worth failing a session.
    private static bool IsBestEffortFailure(Exception ex) => ex is IOException or UnauthorizedAccessException;

    /// <summary>Rebuilds the whole index from the transcripts.</summary>
    public IReadOnlyList<SessionSummary> Rebuild()
    {
        var rebuilt = Update(existing =>
        {
            existing.Clear();
            return Reconcile(existing, out _);
        });
        return Sort(rebuilt.Values);
    }

    private static List<SessionSummary> Sort(IEnumerable<SessionSummary> summaries) =>
        summaries
            .OrderByDescending(s => s.Updated)
            .ThenByDescending(s => s.Created)
            .ThenBy(s => s.SessionId, StringComparer.Ordinal)
            .ToList();

    // Read-modify-write under the index lock; returns what was written.
    private Dictionary<string, SessionSummary> Update(Func<Dictionary<string, SessionSummary>, Dictionary<string, SessionSummary>> change)
    {
        SessionPaths.CreatePrivateDirectory(ProjectDirectory);
        var monitor = Monitors.GetOrAdd(IndexPath, static _ => new object());
        lock (monitor)
        {
            using var fileLock = FileLock.Acquire(SessionPaths.IndexLockPath(ProjectDirectory), LockTimeout);
            DeleteStaleTemporaryFiles();
            var updated = change(ReadIndex(out _));
            WriteIndex(updated);
            return updated;
        }
    }

    private Dictionary<string, SessionSummary> ReadIndex(out bool valid)
    {
        var result = new Dictionary<string, SessionSummary>(StringComparer.Ordinal);
        valid = false;
        byte[] bytes;
        try
        {
            using var stream = new FileStream(IndexPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            bytes = memory.ToArray();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return result;
        }
        try
        {
            var file = JsonSerializer.Deserialize(bytes, SessionJsonContext.Default.SessionIndexFile);
            if (file is not { Version: SessionIndexFile.CurrentVersion, Sessions: not null })
            {
                return result;
            }
            foreach (var s in file.Sessions)
            {
                if (s is not null && SessionPaths.IsValidSessionId(s.SessionId))
                {
                    result[s.SessionId] = s;
                }
            }
            valid = true;
        }
        catch (JsonException)
        {
            // Unreadable index: rebuilt from the transcripts.
        }
        return result;
    }

    private void WriteIndex(Dictionary<string, SessionSummary> summaries)
    {
        var file = new SessionIndexFile(SessionIndexFile.CurrentVersion, Sort(summaries.Values));
        var temp = Path.Combine(
            ProjectDirectory,
            string.Create(CultureInfo.InvariantCulture, $".{SessionPaths.IndexFileName}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"));
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var stream = new FileStream(temp, options))
            {
                // No fsync: the index is a cache of the transcripts. If a machine crash leaves it empty or old, the next
                // listing finds it unreadable or stale and rebuilds it from the (fsynced) transcripts.
                JsonSerializer.Serialize(stream, file, SessionJsonContext.Default.SessionIndexFile);
            }
            File.Move(temp, IndexPath, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    // Brings summaries in line with the transcripts on disk: adds missing ones, rescans changed ones, drops deleted ones.
    private Dictionary<string, SessionSummary> Reconcile(Dictionary<string, SessionSummary> summaries, out bool changed)
    {
        changed = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in EnumerateTranscripts())
        {
            var id = Path.GetFileNameWithoutExtension(path);
            if (!SessionPaths.IsValidSessionId(id))
            {
                continue;
            }
            seen.Add(id);
            long length;
            try
            {
                length = new FileInfo(path).Length;
            }
            catch (IOException)
            {
                continue;
            }
            if (summaries.TryGetValue(id, out var known) && known.FileLength == length)
            {
                continue;
            }
            if (TrySummarize(id, path) is { } fresh)
            {
                summaries[id] = fresh;
                changed = true;
            }
        }
        foreach (var id in summaries.Keys.Where(id => !seen.Contains(id)).ToList())
        {
            summaries.Remove(id);
            changed = true;
        }
        return summaries;
    }

    private string[] EnumerateTranscripts()
    {
        try
        {
            return Directory.GetFiles(ProjectDirectory, "*" + SessionPaths.TranscriptExtension);
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    private SessionSummary? TrySummarize(string id, string path)
    {
        try
        {
            var transcript = SessionReader.Read(path);
            return SessionSummary.FromEntries(id, transcript.Entries, transcript.Length, _time.GetUtcNow());
        }
        catch (SessionNotFoundException)
        {
            return null;
        }
    }

    // Under the index lock no other writer is between its temporary file and its rename, so any temporary index file
    // still on disk was left by a process that died there (kill -9, crash): delete it.
    private void DeleteStaleTemporaryFiles()
    {
        try
        {
            foreach (var stale in Directory.EnumerateFiles(ProjectDirectory, $".{SessionPaths.IndexFileName}.*.tmp"))
            {
                TryDelete(stale);
            }
        }
        catch (IOException)
        {
            // Best effort: a stray temporary file is never read as the index.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the next cleanup; never read as an index (the name starts with a dot and ends in .tmp).
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
