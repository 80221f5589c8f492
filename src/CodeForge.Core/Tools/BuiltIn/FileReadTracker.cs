using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.IO.Hashing;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>What a session knows about one file's content: its hash, length and modification time when last seen.</summary>
/// <param name="ContentHash">Lower-case hex XXH128 of the file's bytes (<see cref="Hash(ReadOnlySpan{byte})"/>).</param>
/// <param name="Length">The file's length in bytes.</param>
/// <param name="LastWriteTimeUtc">The file's modification time as the file system reported it.</param>
/// <remarks>
/// Immutable; safe to share. The hash only tells whether a file changed since this session read it (it is kept in
/// memory, never written anywhere), so it is a 128-bit non-cryptographic hash (XXH128, System.IO.Hashing) rather
/// than SHA-256: on Linux every .NET SHA-256 call goes through OpenSSL, and a Read would load libssl and libcrypto
/// (3.3 MiB resident, docs/benchmarks.md) into a run that otherwise never needs them. Someone who can write the file
/// gains nothing from a collision: Edit still finds its text in the file as it is on disk.
/// </remarks>
public sealed record FileSnapshot(string ContentHash, long Length, DateTime LastWriteTimeUtc)
{
    /// <summary>The snapshot of <paramref name="content"/> with the given modification time.</summary>
    public static FileSnapshot Of(ReadOnlySpan<byte> content, DateTime lastWriteTimeUtc) =>
        new(Hash(content), content.Length, lastWriteTimeUtc);

    /// <summary>True when <paramref name="content"/> is the content this snapshot describes (length and hash equal).</summary>
    public bool Matches(ReadOnlySpan<byte> content) =>
        content.Length == Length && string.Equals(ContentHash, Hash(content), StringComparison.Ordinal);

    /// <summary>The <see cref="ContentHash"/> of <paramref name="content"/>: lower-case hex XXH128.</summary>
    public static string Hash(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(XxHash128.Hash(content));

    /// <summary>The <see cref="ContentHash"/> of what <paramref name="hash"/> was fed (a file read in chunks).</summary>
    public static string Hash(XxHash128 hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

/// <summary>
/// One session's record of which files it has seen and in which version (path → <see cref="FileSnapshot"/>), so that Write
/// and Edit change only files the model has read, and refuse when the file changed on disk since.
/// </summary>
/// <remarks>
/// <para><b>Concurrency contract.</b> Every member may be called from any thread at any time. The map is a
/// <see cref="ConcurrentDictionary{TKey,TValue}"/>: <see cref="Record"/>, <see cref="Forget"/> and <see cref="Get"/> are
/// each atomic per path, and a reader sees either the previous or the new snapshot of a path, never a mix.
/// <see cref="ToImmutable"/> is a moment-in-time copy (consistent per entry, not across entries).</para>
/// <para>The check "the file still matches what was read" followed by the write is <i>not</i> made atomic by this class:
/// the file tools do it while holding the per-path <see cref="FileMutationLock"/> (the process-wide gate, then an
/// inter-process lock), which also serialises mutations of one file across sessions (trackers) and forge processes. A Read records its snapshot under the same gate and only
/// if the file is still the version it read, so a slow Read can never overwrite the newer snapshot of a concurrent Edit.</para>
/// <para>Keys are the resolved absolute paths (symlinks and <c>..</c> resolved), compared ordinally.</para>
/// </remarks>
public sealed class FileReadTracker
{
    private readonly ConcurrentDictionary<string, FileSnapshot> _seen = new(StringComparer.Ordinal);

    /// <summary>How many files are recorded.</summary>
    public int Count => _seen.Count;

    /// <summary>Records that the session has seen <paramref name="path"/> as <paramref name="snapshot"/> (replacing any earlier record).</summary>
    public void Record(string path, FileSnapshot snapshot)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(snapshot);
        _seen[path] = snapshot;
    }

    /// <summary>The last recorded snapshot of <paramref name="path"/>, or <see langword="null"/> if it was never read.</summary>
    public FileSnapshot? Get(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return _seen.TryGetValue(path, out var snapshot) ? snapshot : null;
    }

    /// <summary>Drops the record of <paramref name="path"/>; true if there was one.</summary>
    public bool Forget(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return _seen.TryRemove(path, out _);
    }

    /// <summary>Forgets every file (e.g. after the conversation is cleared).</summary>
    public void Clear() => _seen.Clear();

    /// <summary>A copy of the records.</summary>
    public ImmutableDictionary<string, FileSnapshot> ToImmutable() => _seen.ToImmutableDictionary(StringComparer.Ordinal);
}
