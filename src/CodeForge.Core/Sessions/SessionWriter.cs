using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace CodeForge.Core.Sessions;

/// <summary>
/// The one writer of a session transcript: appends whole JSONL lines, fsyncs at turn boundaries.
/// </summary>
/// <remarks>
/// <para><b>Exclusive.</b> Opening takes the session's lock file (<c>.locks/&lt;id&gt;.jsonl.lock</c>,
/// <see cref="FileShare.None"/>). A second writer, in this process or another, gets <see cref="SessionLockedException"/>
/// naming the session and the holder's pid. The OS drops the lock when the holder exits or is killed.</para>
/// <para><b>Thread-safe.</b> <see cref="AppendAsync"/>, <see cref="AppendRangeAsync"/> and <see cref="CommitTurnAsync"/>
/// may be called concurrently (e.g. from parallel tool calls). They serialize on an async lock. Each line is written by
/// one positional <c>write</c> of the complete line including its <c>\n</c>, so lines never interleave and a reader sees
/// some prefix of the appended lines plus, at most, an incomplete last line (which it skips).</para>
/// <para><b>Durability.</b> With <see cref="SessionWriterOptions.FlushEachLine"/> (the default) a line reaches the OS
/// before its append completes, so a crash of the process loses nothing appended. <see cref="CommitTurnAsync"/> also
/// fsyncs, so committed turns survive a crash of the machine. An incomplete last line left by an earlier crash is cut
/// off when the transcript is opened for writing, so new lines never glue onto it.</para>
/// <para>Readers never take this lock: see <see cref="SessionReader"/>.</para>
/// </remarks>
public sealed class SessionWriter : IAsyncDisposable, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly FileLock _lock;
    private readonly FileStream _stream;
    private readonly SafeFileHandle _handle;
    private readonly SessionWriterOptions _options;
    private readonly ArrayBufferWriter<byte>? _pending;
    private long _length;
    private long _lines;
    private bool _unsynced;
    private int _disposed;

    private SessionWriter(string path, string sessionId, FileLock fileLock, FileStream stream, long length, long repaired, SessionWriterOptions options)
    {
        TranscriptPath = path;
        SessionId = sessionId;
        _lock = fileLock;
        _stream = stream;
        _handle = stream.SafeFileHandle;
        _length = length;
        RepairedBytes = repaired;
        _options = options;
        _pending = options.FlushEachLine ? null : new ArrayBufferWriter<byte>(options.BufferSize);
        _unsynced = repaired > 0;
    }

    /// <summary>The session written.</summary>
    public string SessionId { get; }

    /// <summary>The transcript file.</summary>
    public string TranscriptPath { get; }

    /// <summary>Bytes of complete lines written to the file so far (excludes lines still buffered).</summary>
    public long Length => Interlocked.Read(ref _length);

    /// <summary>Lines appended through this writer (including lines still buffered).</summary>
    public long LinesAppended => Interlocked.Read(ref _lines);

    /// <summary>
    /// Test seam: a deliberately broken variant of the real class for the systematic-scheduling tests, whose appends
    /// (<see cref="AppendAsync"/>, <see cref="AppendRangeAsync"/>) do not take the async lock. Set once, before any append;
    /// never set in the product.
    /// </summary>
    internal bool GateLeftOutForTests { get; set; }

    /// <summary>Bytes of an incomplete last line (a crash's torn write) cut off when the transcript was opened.</summary>
    public long RepairedBytes { get; }

    /// <summary>
    /// Creates a new transcript and takes its lock. Throws <see cref="SessionAlreadyExistsException"/> if the file exists
    /// and <see cref="SessionLockedException"/> if another writer holds the session.
    /// </summary>
    public static SessionWriter Create(string transcriptPath, string sessionId, SessionWriterOptions? options = null) =>
        Open(transcriptPath, sessionId, create: true, options ?? SessionWriterOptions.Default);

    /// <summary>
    /// Opens an existing transcript for appending and takes its lock; cuts off an incomplete last line. Throws
    /// <see cref="SessionNotFoundException"/> if there is no transcript and <see cref="SessionLockedException"/> if
    /// another writer holds the session.
    /// </summary>
    public static SessionWriter OpenExisting(string transcriptPath, string sessionId, SessionWriterOptions? options = null) =>
        Open(transcriptPath, sessionId, create: false, options ?? SessionWriterOptions.Default);

    private static SessionWriter Open(string path, string sessionId, bool create, SessionWriterOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionId);
        path = Path.GetFullPath(path);
        if (!create && !File.Exists(path))
        {
            throw new SessionNotFoundException(sessionId, path);
        }
        var lockPath = SessionPaths.WriterLockPath(path);
        var ownerPath = SessionPaths.WriterOwnerPath(path);
        var fileLock = FileLock.TryAcquire(lockPath)
            ?? throw new SessionLockedException(sessionId, FileLock.ReadOwner(ownerPath), lockPath);
        try
        {
            FileLock.WriteOwner(ownerPath);
            var streamOptions = new FileStreamOptions
            {
                Mode = create ? FileMode.CreateNew : FileMode.Open,
                Access = FileAccess.ReadWrite,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0,
            };
            if (create && !OperatingSystem.IsWindows())
            {
                streamOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            FileStream stream;
            try
            {
                stream = new FileStream(path, streamOptions);
            }
            catch (IOException ex) when (create && File.Exists(path))
            {
                throw new SessionAlreadyExistsException(sessionId, path, ex);
            }
            catch (FileNotFoundException ex)
            {
                throw new SessionNotFoundException(sessionId, path, ex);
            }
            try
            {
                var length = RandomAccess.GetLength(stream.SafeFileHandle);
                var complete = CompleteLength(stream.SafeFileHandle, length);
                if (complete < length)
                {
                    RandomAccess.SetLength(stream.SafeFileHandle, complete);
                }
                return new SessionWriter(path, sessionId, fileLock, stream, complete, length - complete, options);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }
        catch
        {
            fileLock.Dispose();
            throw;
        }
    }

    /// <summary>The length of the file up to and including its last <c>\n</c> (0 if none).</summary>
    internal static long CompleteLength(SafeFileHandle handle, long length)
    {
        var buffer = new byte[Math.Min(length, 64 * 1024)];
        var end = length;
        while (end > 0)
        {
            var size = (int)Math.Min(buffer.Length, end);
            var start = end - size;
            var read = RandomAccess.Read(handle, buffer.AsSpan(0, size), start);
            var newline = buffer.AsSpan(0, read).LastIndexOf((byte)'\n');
            if (newline >= 0)
            {
                return start + newline + 1;
            }
            end = start;
        }
        return 0;
    }

    /// <summary>Appends one entry as one line.</summary>
    public Task AppendAsync(SessionEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return WriteAsync(SessionJson.ToLine(entry), 1, cancellationToken);
    }

    /// <summary>Appends several entries, consecutively (no other append comes between them).</summary>
    public Task AppendRangeAsync(IEnumerable<SessionEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var buffer = new ArrayBufferWriter<byte>();
        var count = 0;
        foreach (var entry in entries)
        {
            buffer.Write(SessionJson.ToLine(entry));
            count++;
        }
        return count == 0 ? Task.CompletedTask : WriteAsync(buffer.WrittenMemory, count, cancellationToken);
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> lines, int count, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var gated = !GateLeftOutForTests;
        if (gated)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        try
        {
            WriteCore(lines.Span, count);
        }
        finally
        {
            if (gated)
            {
                _gate.Release();
            }
        }
    }

    /// <summary>
    /// Appends already-encoded lines synchronously (the write is one <c>pwrite</c>; the gate is uncontended when the
    /// caller serializes its own appends), so a caller can make the write and its own bookkeeping one atomic step.
    /// </summary>
    internal void AppendEncoded(ReadOnlySpan<byte> lines, int count)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _gate.Wait();
        try
        {
            WriteCore(lines, count);
        }
        finally
        {
            _gate.Release();
        }
    }

    // Caller holds _gate.
    private void WriteCore(ReadOnlySpan<byte> lines, int count)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_pending is null)
        {
            WriteAtEnd(lines);
        }
        else
        {
            _pending.Write(lines);
            if (_pending.WrittenCount >= _options.BufferSize)
            {
                WritePending();
            }
        }
        Interlocked.Add(ref _lines, count);
    }

    /// <summary>Writes buffered lines (if any) and fsyncs the transcript: everything appended so far is durable.</summary>
    public async Task CommitTurnAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            SyncCore();
        }
        finally
        {
            _gate.Release();
        }
    }

    // Caller holds _gate. Writes pending lines and fsyncs, unless nothing was written since the last fsync.
    private void SyncCore()
    {
        WritePending();
        if (_unsynced)
        {
            RandomAccess.FlushToDisk(_handle);
            _unsynced = false;
        }
    }

    // Caller holds _gate.
    private void WritePending()
    {
        if (_pending is { WrittenCount: > 0 })
        {
            WriteAtEnd(_pending.WrittenSpan);
            _pending.ResetWrittenCount();
        }
    }

    // Caller holds _gate. One positional write of whole lines; on failure the file is cut back so no partial line stays.
    private void WriteAtEnd(ReadOnlySpan<byte> bytes)
    {
        try
        {
            RandomAccess.Write(_handle, bytes, _length);
        }
        catch
        {
            try
            {
                RandomAccess.SetLength(_handle, _length);
            }
            catch (IOException)
            {
                // The next append overwrites from _length anyway; a reader skips an incomplete tail.
            }
            throw;
        }
        Interlocked.Add(ref _length, bytes.Length);
        _unsynced = true;
    }

    /// <summary>Commits (writes pending lines, fsyncs) and releases the lock. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            CloseCore();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Commits (writes pending lines, fsyncs) and releases the lock. Idempotent.</summary>
    public void Dispose()
    {
        _gate.Wait();
        try
        {
            CloseCore();
        }
        finally
        {
            _gate.Release();
        }
    }

    // Caller holds _gate.
    private void CloseCore()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            SyncCore();
        }
        finally
        {
            _stream.Dispose();
            _lock.Dispose();
        }
    }
}
