using System.IO.Enumeration;
using System.Text.Json;

namespace CodeForge.Core.Web;

/// <summary>
/// The disk tier of <see cref="WebCache"/>: one JSON file per key (<c>{key}.json</c>) in one directory, written
/// atomically, bounded in bytes by an index of the directory's entry files.
/// </summary>
/// <remarks>
/// <para>Thread-safe. Files are written to a unique temp file in the same directory and renamed over the old one, so a
/// reader in any process sees a whole old file or a whole new one. Reads tolerate a file vanishing; a corrupt, partial
/// or foreign file is deleted and read as a miss.</para>
/// <para>Budget: one lock guards an index (file name → size, oldest first). It is filled by a full scan at construction
/// (ordered by mtime); each write of this instance adds its file as the newest, then reconciles the index with a
/// names-only listing of the directory (files written by other instances or processes are stat-ed and added, files
/// deleted by them dropped), then deletes the oldest files until the indexed total is within the budget. So the directory
/// is within budget at rest, also with several instances on it, up to the size change of a file that another instance
/// rewrote under the same name since this one last saw it. A read hit makes its file the newest (LRU within this
/// instance's view).</para>
/// <para>Per-key ordering (a write versus a read of the same key) is the caller's job: <see cref="WebCache"/> serializes
/// them with a striped lock. Only files named <c>{64 hex}.json</c> (and <c>{64 hex}.*.tmp</c> on <see cref="Clear"/>)
/// are ever deleted; other files in the directory are left alone and not counted.</para>
/// </remarks>
internal sealed class WebCacheDiskTier
{
    private const string FileExtension = ".json";
    private const string TempExtension = ".tmp";

    private readonly string _directory;
    private readonly long _maxBytes;

    // Index of entry files, guarded by _gate. First = oldest (evicted first).
    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Name, long Size)>> _files = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Name, long Size)> _order = new();
    private long _total;

    public WebCacheDiskTier(string directory, long maxBytes)
    {
        _directory = directory;
        _maxBytes = maxBytes;
        System.IO.Directory.CreateDirectory(_directory);
        var found = new FileSystemEnumerable<(string Name, long Size, DateTimeOffset Modified)>(
            _directory,
            (ref FileSystemEntry entry) => (entry.FileName.ToString(), entry.Length, entry.LastWriteTimeUtc))
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory && IsEntryFileName(entry.FileName),
        };
        List<(string Name, long Size, DateTimeOffset Modified)> existing;
        try
        {
            existing = [.. found.OrderBy(f => f.Modified).ThenBy(f => f.Name, StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            existing = []; // A file vanished mid-scan (another instance at work): the first write's reconcile finds the rest.
        }
        lock (_gate)
        {
            foreach (var (name, size, _) in existing)
            {
                AddNewestLocked(name, size);
            }
            EvictLocked();
        }
    }

    public string Directory => _directory;

    /// <summary>The bytes of entry files the index knows of (for tests and statistics).</summary>
    public long TrackedBytes
    {
        get
        {
            lock (_gate)
            {
                return _total;
            }
        }
    }

    /// <summary>Writes the key's file atomically, then brings the directory within budget. A file larger than the whole
    /// budget, or a failed write, removes the key's old file instead, so the disk never holds an outdated version.</summary>
    public void Write(string key, byte[] bytes)
    {
        var name = key + FileExtension;
        if (bytes.Length > _maxBytes)
        {
            Delete(key);
            return;
        }
        var temp = Path.Combine(_directory, key + "." + Guid.NewGuid().ToString("N") + TempExtension);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush();
            }
            File.Move(temp, Path.Combine(_directory, name), overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDeleteFile(temp);
            Delete(key);
            return;
        }
        lock (_gate)
        {
            RemoveLocked(name);
            AddNewestLocked(name, bytes.Length);
            ReconcileLocked();
            EvictLocked();
        }
    }

    /// <summary>
    /// Reads the key's file. A missing or unreadable file is a miss; a corrupt, partial or foreign file (another key, another
    /// format, a null field) is deleted and is a miss. A hit makes the file the newest in the index.
    /// </summary>
    public bool TryRead(string key, out WebCacheEntryDocument document, out int size)
    {
        document = null!;
        size = 0;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(Path.Combine(_directory, key + FileExtension));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // Never written, evicted, deleted by another instance, or unreadable right now.
        }
        WebCacheEntryDocument? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(bytes, WebCacheJsonContext.Relaxed.WebCacheEntryDocument);
        }
        catch (JsonException)
        {
            parsed = null;
        }
        if (parsed is null ||
            parsed.FormatVersion != WebCacheEntryDocument.CurrentFormatVersion ||
            parsed.Key != key ||
            !WebCache.IsComplete(parsed.Response))
        {
            Delete(key);
            return false;
        }
        lock (_gate)
        {
            if (_files.TryGetValue(key + FileExtension, out var node))
            {
                _order.Remove(node);
                _order.AddLast(node);
            }
        }
        document = parsed;
        size = bytes.Length;
        return true;
    }

    /// <summary>Deletes the key's file and forgets it; returns whether a file was deleted (false when there was none, or when
    /// it could not be deleted: it then stays readable, and the next reconcile counts it again).</summary>
    public bool Delete(string key)
    {
        var name = key + FileExtension;
        var deleted = TryDeleteFile(Path.Combine(_directory, name));
        lock (_gate)
        {
            RemoveLocked(name);
        }
        return deleted;
    }

    /// <summary>Deletes every entry file and leftover temp file (also another instance's temp file in flight: its write
    /// is then lost, which costs a miss).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            foreach (var path in EnumerateOwnFiles(includeTemp: true))
            {
                TryDeleteFile(path);
            }
            _files.Clear();
            _order.Clear();
            _total = 0;
        }
    }

    /// <summary>Checks the index: Σ indexed sizes == tracked total ≤ budget, map and order list the same files.</summary>
    /// <exception cref="InvalidOperationException">An invariant does not hold.</exception>
    public void CheckInvariants()
    {
        lock (_gate)
        {
            var sum = _order.Sum(f => f.Size);
            if (sum != _total || _files.Count != _order.Count || _total > _maxBytes)
            {
                throw new InvalidOperationException(
                    $"Disk index: Σ sizes {sum}, tracked {_total}, budget {_maxBytes}, {_files.Count} names, {_order.Count} in order.");
            }
        }
    }

    /// <summary>Adds files other instances wrote (stat-ing only those) and drops files they deleted.</summary>
    private void ReconcileLocked()
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in EnumerateOwnFiles(includeTemp: false))
        {
            var name = Path.GetFileName(path);
            present.Add(name);
            if (!_files.ContainsKey(name))
            {
                try
                {
                    AddNewestLocked(name, new FileInfo(path).Length);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Gone again already.
                }
            }
        }
        if (present.Count != _files.Count)
        {
            foreach (var name in _files.Keys.Where(n => !present.Contains(n)).ToList())
            {
                RemoveLocked(name);
            }
        }
    }

    private void EvictLocked()
    {
        while (_total > _maxBytes && _order.First is { } oldest)
        {
            TryDeleteFile(Path.Combine(_directory, oldest.Value.Name));
            RemoveLocked(oldest.Value.Name); // Even if the delete failed: the next reconcile finds it again.
        }
    }

    private void AddNewestLocked(string name, long size)
    {
        _files[name] = _order.AddLast((name, size));
        _total += size;
    }

    private void RemoveLocked(string name)
    {
        if (_files.Remove(name, out var node))
        {
            _order.Remove(node);
            _total -= node.Value.Size;
        }
    }

    private List<string> EnumerateOwnFiles(bool includeTemp)
    {
        var result = new List<string>();
        try
        {
            foreach (var path in System.IO.Directory.EnumerateFiles(_directory))
            {
                var name = Path.GetFileName(path.AsSpan());
                if (IsEntryFileName(name) || (includeTemp && IsTempFileName(name)))
                {
                    result.Add(path);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The directory vanished or is unreadable: nothing to manage.
        }
        return result;
    }

    private static bool IsEntryFileName(ReadOnlySpan<char> name) =>
        name.Length == WebCacheKey.Length + FileExtension.Length &&
        name.EndsWith(FileExtension, StringComparison.Ordinal) &&
        WebCacheKey.IsWellFormed(name[..WebCacheKey.Length]);

    private static bool IsTempFileName(ReadOnlySpan<char> name) =>
        name.Length > WebCacheKey.Length + 1 + TempExtension.Length &&
        name[WebCacheKey.Length] == '.' &&
        name.EndsWith(TempExtension, StringComparison.Ordinal) &&
        WebCacheKey.IsWellFormed(name[..WebCacheKey.Length]);

    private static bool TryDeleteFile(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return false;
            }
            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
