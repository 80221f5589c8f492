using System.Collections.ObjectModel;
using System.Globalization;
using System.Text.Json;

namespace CodeForge.Core.Web;

/// <summary>
/// A cache of fetched web pages: a memory tier bounded in UTF-8 bytes with least-recently-used eviction and a TTL, and
/// an optional disk tier (one JSON file per entry) that is bounded too and survives the process.
/// </summary>
/// <remarks>
/// <para><b>Concurrency contract.</b> Every member may be called from any number of threads at once.</para>
/// <para>Memory tier: one lock guards the map, the recency list and the byte count, so <see cref="Set"/> (replace, evict
/// least-recently-used until the entry fits, insert), a memory hit of <see cref="Get"/> (refresh recency or drop if
/// expired), <see cref="Delete"/> and <see cref="Clear"/> are each atomic, and any reader of <see cref="Size"/>,
/// <see cref="Count"/> or <see cref="GetStatistics"/> sees Σ entry sizes == <see cref="Size"/> ≤ the budget. Entries
/// are serialized (and sized) outside the lock. An entry larger than the whole budget is refused (<see cref="Set"/>
/// returns <see langword="false"/>) and nothing is evicted. With the memory tier alone the cache is linearizable.</para>
/// <para>Disk tier: operations on one key (a set, a delete, a memory miss that reads the disk) are serialized by a
/// striped per-key lock, so memory and disk never hold different versions of a key written by this instance and a
/// disk read never resurrects a version older than one already set. Files are written to a unique temp file and
/// renamed over the old one, so no reader (in this or another process) sees a torn file; a corrupt, partial, foreign or
/// expired file is deleted and read as a miss. After each write the oldest files are deleted until the directory is
/// within its own budget, reconciling with files other instances wrote (see <see cref="WebCacheDiskTier"/>), so it is
/// within budget at rest even with several instances or processes on one directory. Across instances there is no
/// coherence: each instance's memory may keep serving its own version of a key until TTL or eviction, and a racing
/// delete (expiry, corruption, budget) may drop another instance's newer file, which is then a miss.</para>
/// <para>TTL is measured from the time of <see cref="Set"/> as given by the <see cref="TimeProvider"/>, stored inside
/// the file (never the file's mtime). Returned responses are immutable, carry a private copy of the headers and have
/// <see cref="FetchResponse.FromCache"/> set.</para>
/// </remarks>
public sealed class WebCache
{
    private const int StripeCount = 32;

    private readonly TimeProvider _time;
    private readonly long _maxMemoryBytes;
    private readonly long _ttlMs;
    private readonly WebCacheDiskTier? _disk;

    // Memory tier, all guarded by _gate.
    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new(); // First = most recently used.
    private long _size;
    private long _hits;
    private long _misses;
    private long _evictions;

    // Disk tier: per-key stripes, taken before _gate (never after) and before the disk tier's own lock.
    private readonly object[] _stripes;

    /// <summary>Creates a cache; with <see cref="WebCacheOptions.Directory"/> set, creates the directory too.</summary>
    /// <param name="options">Limits and location; <see langword="null"/> for the defaults (memory only).</param>
    /// <param name="timeProvider">The clock for TTL; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="ArgumentOutOfRangeException">A budget or the TTL is not positive.</exception>
    /// <exception cref="ArgumentException">The directory name is blank.</exception>
    public WebCache(WebCacheOptions? options = null, TimeProvider? timeProvider = null)
    {
        options ??= new WebCacheOptions();
        if (options.MaxMemoryBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxMemoryBytes, "WebCacheOptions.MaxMemoryBytes must be positive.");
        }
        if (options.MaxDiskBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxDiskBytes, "WebCacheOptions.MaxDiskBytes must be positive.");
        }
        if (options.Ttl <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Ttl, "WebCacheOptions.Ttl must be positive.");
        }
        _time = timeProvider ?? TimeProvider.System;
        _maxMemoryBytes = options.MaxMemoryBytes;
        _ttlMs = (long)Math.Min(options.Ttl.TotalMilliseconds, long.MaxValue / 2.0);
        _stripes = new object[StripeCount];
        for (var i = 0; i < StripeCount; i++)
        {
            _stripes[i] = new object();
        }
        if (options.Directory is not null)
        {
            if (string.IsNullOrWhiteSpace(options.Directory))
            {
                throw new ArgumentException("WebCacheOptions.Directory is blank; use null for a memory-only cache.", nameof(options));
            }
            _disk = new WebCacheDiskTier(Path.GetFullPath(options.Directory), options.MaxDiskBytes);
        }
    }

    /// <summary>The memory budget in bytes.</summary>
    public long MaxSize => _maxMemoryBytes;

    /// <summary>The disk tier's directory, or <see langword="null"/> when there is none.</summary>
    public string? Directory => _disk?.Directory;

    /// <summary>Σ of the memory entries' sizes in UTF-8 bytes (memory tier only).</summary>
    public long Size
    {
        get
        {
            lock (_gate)
            {
                return _size;
            }
        }
    }

    /// <summary>The number of entries in memory (memory tier only).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _map.Count;
            }
        }
    }

    /// <summary>The key for <paramref name="url"/> fetched with <paramref name="options"/>; see <see cref="WebCacheKey.Generate"/>.</summary>
    public static string GenerateKey(string url, FetchOptions? options = null) => WebCacheKey.Generate(url, options);

    /// <summary>Count, size and counters of the memory tier, read together.</summary>
    public WebCacheStatistics GetStatistics()
    {
        lock (_gate)
        {
            return new WebCacheStatistics(_map.Count, _size, _maxMemoryBytes, _hits, _misses, _evictions);
        }
    }

    /// <summary>
    /// Stores <paramref name="response"/> under <paramref name="key"/>, replacing any entry for the key and evicting
    /// least-recently-used entries until it fits; with a disk tier, also writes its file (atomically).
    /// </summary>
    /// <returns>
    /// <see langword="true"/> if stored; <see langword="false"/> if the entry alone is larger than the memory budget, in
    /// which case nothing changes (no eviction; an older entry for the key stays).
    /// </returns>
    /// <exception cref="ArgumentException">The key is not a <see cref="WebCacheKey"/>, or a response field is null.</exception>
    public bool Set(string key, FetchResponse response)
    {
        ValidateKey(key);
        ValidateResponse(response);
        var storedAtMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var stored = Freeze(response, fromCache: false);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(
            new WebCacheEntryDocument(WebCacheEntryDocument.CurrentFormatVersion, key, storedAtMs, stored),
            WebCacheJsonContext.Relaxed.WebCacheEntryDocument);
        if (bytes.Length > _maxMemoryBytes)
        {
            return false;
        }
        var entry = new Entry(key, stored with { FromCache = true }, bytes.Length, storedAtMs);
        if (_disk is null)
        {
            lock (_gate)
            {
                InsertLocked(entry);
            }
            return true;
        }
        lock (StripeFor(key))
        {
            lock (_gate)
            {
                InsertLocked(entry);
            }
            _disk.Write(key, bytes);
        }
        return true;
    }

    /// <summary>
    /// The valid entry for <paramref name="key"/>, or <see langword="null"/>. A memory hit becomes the most recently used;
    /// an expired entry is dropped; with a disk tier, a memory miss reads the key's file and promotes it to memory.
    /// </summary>
    /// <exception cref="ArgumentException">The key is not a <see cref="WebCacheKey"/>.</exception>
    public FetchResponse? Get(string key)
    {
        ValidateKey(key);
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            if (TryGetLocked(key, nowMs) is { } hit)
            {
                return hit;
            }
            if (_disk is null)
            {
                _misses++;
                return null;
            }
        }
        lock (StripeFor(key))
        {
            // A set of this key may have completed since the first look; under the stripe none can start.
            lock (_gate)
            {
                if (TryGetLocked(key, nowMs) is { } hit)
                {
                    return hit;
                }
            }
            var fromDisk = ReadFromDisk(_disk, key, nowMs);
            lock (_gate)
            {
                if (fromDisk is null)
                {
                    _misses++;
                    return null;
                }
                _hits++;
                if (fromDisk.Size <= _maxMemoryBytes && !_map.ContainsKey(key))
                {
                    InsertLocked(fromDisk);
                }
            }
            return fromDisk.Response;
        }
    }

    /// <summary>Removes the entry for <paramref name="key"/> from memory and disk.</summary>
    /// <returns>Whether there was an entry (in memory or on disk).</returns>
    /// <exception cref="ArgumentException">The key is not a <see cref="WebCacheKey"/>.</exception>
    public bool Delete(string key)
    {
        ValidateKey(key);
        if (_disk is null)
        {
            lock (_gate)
            {
                return RemoveLocked(key);
            }
        }
        lock (StripeFor(key))
        {
            bool removed;
            lock (_gate)
            {
                removed = RemoveLocked(key);
            }
            return _disk.Delete(key) | removed;
        }
    }

    /// <summary>
    /// Removes every entry from memory and, with a disk tier, every entry file and leftover temp file in the directory
    /// (including another instance's: a write in flight in another instance is then lost, which only costs a miss).
    /// </summary>
    public void Clear()
    {
        if (_disk is null)
        {
            lock (_gate)
            {
                ClearLocked();
            }
            return;
        }
        var taken = 0;
        try
        {
            // All stripes in index order (the only multi-stripe path, so no deadlock), then the memory gate.
            for (; taken < StripeCount; taken++)
            {
                Monitor.Enter(_stripes[taken]);
            }
            lock (_gate)
            {
                ClearLocked();
            }
            _disk.Clear();
        }
        finally
        {
            while (taken > 0)
            {
                Monitor.Exit(_stripes[--taken]);
            }
        }
    }

    /// <summary>
    /// Checks the memory tier's invariants at one instant (safe at any time, not only at rest): Σ entry sizes ==
    /// <see cref="Size"/> ≤ budget, map and recency list hold the same entries, no key twice; and the disk tier's index.
    /// </summary>
    /// <exception cref="InvalidOperationException">An invariant does not hold (the message says which).</exception>
    internal void CheckInvariants()
    {
        lock (_gate)
        {
            long sum = 0;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var node = _recency.First; node is not null; node = node.Next)
            {
                var entry = node.Value;
                if (!seen.Add(entry.Key))
                {
                    throw new InvalidOperationException($"Key {entry.Key} is in the recency list twice.");
                }
                if (!_map.TryGetValue(entry.Key, out var mapped) || !ReferenceEquals(mapped, node))
                {
                    throw new InvalidOperationException($"Key {entry.Key} is in the recency list but its map entry is missing or different.");
                }
                if (entry.Size <= 0)
                {
                    throw new InvalidOperationException($"Key {entry.Key} has size {entry.Size}.");
                }
                sum += entry.Size;
            }
            if (_map.Count != _recency.Count)
            {
                throw new InvalidOperationException($"The map has {_map.Count} entries but the recency list {_recency.Count}.");
            }
            if (sum != _size)
            {
                throw new InvalidOperationException($"Σ entry sizes is {sum} but the tracked size is {_size}.");
            }
            if (_size > _maxMemoryBytes)
            {
                throw new InvalidOperationException($"The size {_size} exceeds the budget {_maxMemoryBytes}.");
            }
        }
        _disk?.CheckInvariants();
    }

    /// <summary>The disk tier, or null (for tests).</summary>
    internal WebCacheDiskTier? DiskTier => _disk;

    /// <summary>The keys in memory from most to least recently used (for tests).</summary>
    internal IReadOnlyList<string> KeysByRecency()
    {
        lock (_gate)
        {
            return _recency.Select(e => e.Key).ToList();
        }
    }

    private FetchResponse? TryGetLocked(string key, long nowMs)
    {
        if (!_map.TryGetValue(key, out var node))
        {
            return null;
        }
        if (IsExpired(node.Value.StoredAtMs, nowMs))
        {
            RemoveNodeLocked(node);
            return null;
        }
        if (!ReferenceEquals(_recency.First, node))
        {
            _recency.Remove(node);
            _recency.AddFirst(node);
        }
        _hits++;
        return node.Value.Response;
    }

    private void InsertLocked(Entry entry)
    {
        if (_map.TryGetValue(entry.Key, out var old))
        {
            RemoveNodeLocked(old);
        }
        while (_size + entry.Size > _maxMemoryBytes)
        {
            RemoveNodeLocked(_recency.Last!);
            _evictions++;
        }
        _map.Add(entry.Key, _recency.AddFirst(entry));
        _size += entry.Size;
    }

    private bool RemoveLocked(string key)
    {
        if (!_map.TryGetValue(key, out var node))
        {
            return false;
        }
        RemoveNodeLocked(node);
        return true;
    }

    private void RemoveNodeLocked(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _map.Remove(node.Value.Key);
        _size -= node.Value.Size;
    }

    private void ClearLocked()
    {
        _map.Clear();
        _recency.Clear();
        _size = 0;
    }

    private bool IsExpired(long storedAtMs, long nowMs) => nowMs - storedAtMs >= _ttlMs;

    /// <summary>
    /// Test seam for the broken variant of the systematic-scheduling tests: when set, every per-key stripe lookup hands out
    /// a fresh lock (no mutual exclusion between a key's writers), so the tests can show that the scheduler finds the
    /// memory/disk divergence the stripes prevent. Never set outside tests.
    /// </summary>
    internal bool StripesBrokenForTests { get; init; }

    private object StripeFor(string key) => StripesBrokenForTests ? new object() :
        _stripes[int.Parse(key.AsSpan(0, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) % StripeCount];

    /// <summary>The key's entry from disk, or null; an expired file is deleted (TTL from the time stored in the file).</summary>
    private Entry? ReadFromDisk(WebCacheDiskTier disk, string key, long nowMs)
    {
        if (!disk.TryRead(key, out var document, out var size))
        {
            return null;
        }
        if (IsExpired(document.StoredAtUnixMs, nowMs))
        {
            disk.Delete(key);
            return null;
        }
        return new Entry(key, Freeze(document.Response, fromCache: true), size, document.StoredAtUnixMs);
    }

    private static void ValidateKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!WebCacheKey.IsWellFormed(key))
        {
            throw new ArgumentException(
                $"'{key}' is not a web cache key (expected the {WebCacheKey.Length} lower-case hex characters of WebCache.GenerateKey).",
                nameof(key));
        }
    }

    private static void ValidateResponse(FetchResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!IsComplete(response))
        {
            throw new ArgumentException(
                "The response has a null field (Url, FinalUrl, ContentType, Content, Headers and Encoding are required).",
                nameof(response));
        }
    }

    internal static bool IsComplete(FetchResponse? response) =>
        response is not null &&
        response.Url is not null && response.FinalUrl is not null && response.ContentType is not null &&
        response.Content is not null && response.Headers is not null && response.Encoding is not null;

    /// <summary>The response with a private read-only copy of its headers, so no caller can change a cached entry.</summary>
    private static FetchResponse Freeze(FetchResponse response, bool fromCache) =>
        response with
        {
            Headers = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(response.Headers, StringComparer.Ordinal)),
            FromCache = fromCache,
        };

    /// <summary>One memory entry: its response (flagged FromCache), serialized size, and store time (TTL basis).</summary>
    private sealed record Entry(string Key, FetchResponse Response, long Size, long StoredAtMs);
}
