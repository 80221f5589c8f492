namespace CodeForge.Core.Config;

/// <summary>
/// A one-slot, latest-wins mailbox of settings snapshots for one reader: <see cref="Post"/> keeps the newest version
/// posted and not yet taken, <see cref="TakeAsync"/> waits for one. Used by <see cref="LiveSettings"/>' pump and its MCP
/// worker in place of a channel: a lock and a <see cref="TaskCompletionSource"/> are what the systematic tests' scheduler
/// (Coyote 1.7.11, strict mode) controls, where a channel's <c>await foreach</c>/<c>WaitToReadAsync</c> resumes on
/// thread-pool callbacks it does not control (and its rewritten <c>ValueTask</c> awaits crash on .NET 10).
/// </summary>
/// <remarks>
/// Thread-safe for any number of posters and one reader (a second concurrent <see cref="TakeAsync"/> is not supported).
/// A post never blocks. After <see cref="Complete"/>, posts are ignored and <see cref="TakeAsync"/> returns the snapshot
/// still held, then null.
/// </remarks>
internal sealed class SnapshotMailbox
{
    private readonly object _lock = new();
    private SettingsSnapshot? _newest;
    private TaskCompletionSource? _waiter;
    private bool _completed;

    /// <summary>Offers <paramref name="snapshot"/>; an older version than the one held is dropped (the newer one contains it).</summary>
    public void Post(SettingsSnapshot snapshot)
    {
        TaskCompletionSource? wake;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }
            if (_newest is null || snapshot.Version > _newest.Version)
            {
                _newest = snapshot;
            }
            (wake, _waiter) = (_waiter, null);
        }
        wake?.TrySetResult();
    }

    /// <summary>Drops the snapshot held, if any (only the broken test variant of <see cref="LiveSettings"/> does this).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _newest = null;
        }
    }

    /// <summary>No more posts: the reader gets what is held, then null.</summary>
    public void Complete()
    {
        TaskCompletionSource? wake;
        lock (_lock)
        {
            _completed = true;
            (wake, _waiter) = (_waiter, null);
        }
        wake?.TrySetResult();
    }

    /// <summary>The newest snapshot posted since the last take (waiting for one), or null once completed and empty.</summary>
    public async Task<SettingsSnapshot?> TakeAsync()
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_newest is { } next)
                {
                    _newest = null;
                    return next;
                }
                if (_completed)
                {
                    return null;
                }
                _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }
#pragma warning disable VSTHRD003 // this mailbox's own signal, completed by Post or Complete
            await wait.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        }
    }
}
