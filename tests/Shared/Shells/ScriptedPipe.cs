// VSTHRD003: the awaited task is this pipe's own TaskCompletionSource (no JoinableTaskFactory in Core).
#pragma warning disable VSTHRD003

using CodeForge.Core.Shells;

namespace CodeForge.Testing.Shells;

/// <summary>
/// An in-memory, one-reader pipe for <see cref="ScriptedProcess"/>: writes queue byte chunks; an asynchronous read returns
/// queued bytes (at most a configured number per read), waits for more, or returns 0 once closed and drained.
/// </summary>
/// <remarks>
/// Thread safety: appends, <see cref="Complete"/> and one pending read may run concurrently (one private lock; the waiting
/// reader is woken through a TaskCompletionSource outside the lock). Synchronous reads are not supported.
/// </remarks>
internal sealed class ScriptedPipe : Stream
{
    private readonly object _gate = new();
    private readonly Queue<byte[]> _chunks = new();
    private readonly int _maxReadBytes;
    private int _headOffset;
    private long _written;
    private bool _closed;
    private bool _disposed;
    private bool _held;
    private TaskCompletionSource<bool>? _waiter;

    public ScriptedPipe(int maxReadBytes) => _maxReadBytes = maxReadBytes;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Queues <paramref name="data"/>; returns the total bytes written so far.</summary>
    /// <exception cref="InvalidOperationException">The pipe is closed (the process exited).</exception>
    public long Append(ReadOnlySpan<byte> data)
    {
        TaskCompletionSource<bool>? waiter;
        long written;
        lock (_gate)
        {
            if (_closed)
            {
                throw new InvalidOperationException("The scripted process's pipe is closed: it has exited.");
            }
            if (!data.IsEmpty)
            {
                _chunks.Enqueue(data.ToArray());
                _written += data.Length;
            }
            written = _written;
            waiter = _waiter;
            _waiter = null;
        }
        waiter?.TrySetResult(true);
        return written;
    }

    /// <summary>No more writes: the reader gets end of stream after the queued data.</summary>
    public void Complete()
    {
        TaskCompletionSource<bool>? waiter;
        lock (_gate)
        {
            _closed = true;
            waiter = _waiter;
            _waiter = null;
        }
        waiter?.TrySetResult(true);
    }

    /// <summary>True once <see cref="Complete"/> (or disposal) closed the write end.</summary>
    public bool IsComplete
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    /// <summary>Holds reads (as a reader the machine does not schedule): a read waits even when data or end of stream is
    /// there, until <see cref="Resume"/>.</summary>
    public void Hold()
    {
        lock (_gate)
        {
            _held = true;
        }
    }

    /// <summary>Lets held reads go on.</summary>
    public void Resume()
    {
        TaskCompletionSource<bool>? waiter;
        lock (_gate)
        {
            _held = false;
            waiter = _waiter;
            _waiter = null;
        }
        waiter?.TrySetResult(true);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(ReadCoreAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadCoreAsync(buffer.AsMemory(offset, count), cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("A scripted pipe supports only asynchronous reads.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        TaskCompletionSource<bool>? waiter;
        lock (_gate)
        {
            _disposed = true;
            _closed = true;
            waiter = _waiter;
            _waiter = null;
        }
        waiter?.TrySetResult(false);
        base.Dispose(disposing);
    }

    private async Task<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            TaskCompletionSource<bool> waiter;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (!_held && _chunks.Count > 0)
                {
                    var head = _chunks.Peek();
                    var count = Math.Min(Math.Min(buffer.Length, _maxReadBytes), head.Length - _headOffset);
                    head.AsSpan(_headOffset, count).CopyTo(buffer.Span);
                    _headOffset += count;
                    if (_headOffset == head.Length)
                    {
                        _chunks.Dequeue();
                        _headOffset = 0;
                    }
                    return count;
                }
                if (!_held && _closed)
                {
                    return 0;
                }
                cancellationToken.ThrowIfCancellationRequested();
                waiter = _waiter ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            using (cancellationToken.Register(static w => ((TaskCompletionSource<bool>)w!).TrySetResult(false), waiter))
            {
                await waiter.Task.ConfigureAwait(false);
            }
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
