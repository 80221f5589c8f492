namespace CodeForge.Core.Shells;

/// <summary>
/// A bounded, append-only text buffer addressed by absolute offsets: the chars ever appended are numbered from 0, the buffer
/// keeps the newest <see cref="Capacity"/> of them, and a reader asks for "everything since offset X".
/// </summary>
/// <remarks>
/// <para>
/// Thread safety: every member may be called concurrently. <see cref="Append"/> and <see cref="ReadFrom"/> are atomic with
/// respect to each other (one private lock, held only while copying chars; nothing is awaited under it), so a read sees a
/// prefix of the appends in their order, never a torn append.
/// </para>
/// <para>
/// Offsets are absolute and never reused, so truncation cannot make a reader skip or repeat data silently: a reader whose
/// offset has been dropped gets the oldest retained text and <see cref="OutputSlice.SkippedChars"/> says how much it lost.
/// Truncation never splits a UTF-16 surrogate pair (the buffer may then retain one char less than its capacity), and a
/// bounded read never ends between the two halves of a pair.
/// </para>
/// <para>
/// The writer (a shell's output pump) calls <see cref="Complete"/> at end of stream; <see cref="WaitForOutputAsync"/> lets
/// readers wait for text after their offset, or for the end, instead of polling.
/// </para>
/// <para>Storage is a list of fixed-size pages, so dropping old text costs O(pages), not a copy of the whole buffer.</para>
/// </remarks>
public sealed class OutputBuffer
{
    /// <summary>The default capacity: 10 Mi chars, as the original's <c>MAX_BUFFER_SIZE</c>.</summary>
    public const int DefaultCapacity = 10 * 1024 * 1024;

    private const int PageSize = 16 * 1024;
    private const int MinPageAllocation = 256;

    private readonly object _gate = new();
    private readonly List<char[]> _pages = [];
    private long _firstPage;
    private readonly List<(long Offset, TaskCompletionSource<bool> Waiter)> _waiters = [];
    private long _start;
    private long _end;
    private bool _completed;

    /// <summary>Creates a buffer that keeps at most <paramref name="capacity"/> chars.</summary>
    public OutputBuffer(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        Capacity = capacity;
    }

    /// <summary>The most chars retained; older chars are dropped.</summary>
    public int Capacity { get; }

    /// <summary>Absolute offset of the oldest retained char (= chars dropped so far).</summary>
    public long StartOffset
    {
        get
        {
            lock (_gate)
            {
                return _start;
            }
        }
    }

    /// <summary>Absolute offset just after the newest char (= chars ever appended).</summary>
    public long EndOffset
    {
        get
        {
            lock (_gate)
            {
                return _end;
            }
        }
    }

    /// <summary>True once the stream has ended (the writer called <see cref="Complete"/>): no more text will be appended.</summary>
    public bool IsCompleted
    {
        get
        {
            lock (_gate)
            {
                return _completed;
            }
        }
    }

    /// <summary>
    /// Completes when there is text after <paramref name="offset"/> (true) or the stream has ended without any (false).
    /// Lets a reader wait for new output instead of polling.
    /// </summary>
    public Task<bool> WaitForOutputAsync(long offset, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        Task<bool> wait;
        lock (_gate)
        {
            if (_end > offset)
            {
                return Task.FromResult(true);
            }
            if (_completed)
            {
                return Task.FromResult(false);
            }
            var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((offset, waiter));
            wait = waiter.Task;
        }
        return cancellationToken.CanBeCanceled ? wait.WaitAsync(cancellationToken) : wait;
    }

    /// <summary>Marks the end of the stream (called by the writer); wakes every waiter. Idempotent.</summary>
    public void Complete()
    {
        List<(long Offset, TaskCompletionSource<bool> Waiter)> woken;
        lock (_gate)
        {
            _completed = true;
            woken = [.. _waiters];
            _waiters.Clear();
        }
        foreach (var (offset, waiter) in woken)
        {
            waiter.TrySetResult(false);
        }
    }

    /// <summary>Appends <paramref name="text"/>, dropping the oldest chars beyond <see cref="Capacity"/>; returns the new end offset.</summary>
    /// <exception cref="InvalidOperationException">The stream was completed.</exception>
    public long Append(ReadOnlySpan<char> text)
    {
        List<TaskCompletionSource<bool>>? woken;
        long end;
        lock (_gate)
        {
            if (_completed)
            {
                throw new InvalidOperationException("Cannot append to an output buffer whose stream has ended.");
            }
            if (text.IsEmpty)
            {
                return _end;
            }
            end = AppendLocked(text);
            woken = TakeWaitersLocked();
        }
        if (woken is not null)
        {
            foreach (var waiter in woken)
            {
                waiter.TrySetResult(true);
            }
        }
        return end;
    }

    private List<TaskCompletionSource<bool>>? TakeWaitersLocked()
    {
        if (_waiters.Count == 0)
        {
            return null;
        }
        var woken = new List<TaskCompletionSource<bool>>();
        _waiters.RemoveAll(w =>
        {
            if (w.Offset < _end)
            {
                woken.Add(w.Waiter);
                return true;
            }
            return false;
        });
        return woken;
    }

    private long AppendLocked(ReadOnlySpan<char> text)
    {
        var newEnd = _end + text.Length;
        var newStart = Math.Max(_start, newEnd - Capacity);
        var skipInText = (int)Math.Max(0, newStart - _end);
        if (skipInText > 0)
        {
            // Everything retained so far is older than what this append keeps: start over at the kept part.
            _pages.Clear();
        }
        WriteAt(_end + skipInText, text[skipInText..]);
        _end = newEnd;
        _start = newStart;
        if (_start < _end && char.IsLowSurrogate(CharAt(_start)))
        {
            _start++;
        }
        var dropPages = (int)Math.Min(_pages.Count, (_start / PageSize) - _firstPage);
        if (dropPages > 0)
        {
            _pages.RemoveRange(0, dropPages);
            _firstPage += dropPages;
        }
        return _end;
    }

    /// <summary>
    /// Reads the text after absolute offset <paramref name="offset"/> (at most <paramref name="maxChars"/> chars). If the buffer
    /// has dropped chars after <paramref name="offset"/>, reading starts at <see cref="StartOffset"/> and the slice reports the
    /// gap in <see cref="OutputSlice.SkippedChars"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="offset"/> is negative or beyond <see cref="EndOffset"/> (it did not come from this buffer), or
    /// <paramref name="maxChars"/> is below 2 (a surrogate pair must always fit).
    /// </exception>
    public OutputSlice ReadFrom(long offset, int maxChars = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 2);
        lock (_gate)
        {
            if (offset > _end)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), offset,
                    $"Offset {offset} is beyond the end of the output ({_end}); offsets must come from this buffer.");
            }
            var begin = Math.Max(offset, _start);
            var length = (int)Math.Min(_end - begin, maxChars);
            if (length < _end - begin && char.IsHighSurrogate(CharAt(begin + length - 1)))
            {
                length--;
            }
            var text = length == 0 ? string.Empty : CopyOut(begin, length);
            return new OutputSlice(begin, text, begin + length, begin - offset);
        }
    }

    /// <summary>All retained text (from <see cref="StartOffset"/>).</summary>
    public string ReadAll() => ReadFrom(0).Text;

    private char CharAt(long position)
    {
        var page = _pages[(int)((position / PageSize) - _firstPage)];
        return page[(int)(position % PageSize)];
    }

    private void WriteAt(long position, ReadOnlySpan<char> text)
    {
        if (_pages.Count == 0)
        {
            _firstPage = position / PageSize;
        }
        while (!text.IsEmpty)
        {
            var pageIndex = (int)((position / PageSize) - _firstPage);
            var inPage = (int)(position % PageSize);
            var count = Math.Min(text.Length, PageSize - inPage);
            var needed = inPage + count;
            if (pageIndex == _pages.Count)
            {
                _pages.Add(new char[AllocationFor(needed)]);
            }
            var page = _pages[pageIndex];
            if (page.Length < needed)
            {
                Array.Resize(ref page, AllocationFor(needed));
                _pages[pageIndex] = page;
            }
            text[..count].CopyTo(page.AsSpan(inPage));
            text = text[count..];
            position += count;
        }
    }

    private static int AllocationFor(int needed) =>
        Math.Min(PageSize, Math.Max(MinPageAllocation, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)needed)));

    private string CopyOut(long begin, int length) =>
        string.Create(length, (Buffer: this, Begin: begin), static (span, state) =>
        {
            var position = state.Begin;
            while (!span.IsEmpty)
            {
                var page = state.Buffer._pages[(int)((position / PageSize) - state.Buffer._firstPage)];
                var inPage = (int)(position % PageSize);
                var count = Math.Min(span.Length, PageSize - inPage);
                page.AsSpan(inPage, count).CopyTo(span);
                span = span[count..];
                position += count;
            }
        });
}
