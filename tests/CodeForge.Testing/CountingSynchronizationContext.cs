namespace CodeForge.Testing;

/// <summary>
/// A synchronization context that counts the callbacks posted to it and runs them on the thread pool: a test installs it,
/// awaits library code, and asserts <see cref="Posts"/> is 0 to show the code never resumed on the caller's context
/// (every await inside it uses <c>ConfigureAwait(false)</c>).
/// </summary>
/// <remarks>Thread-safe: <see cref="Post"/> may be called from any thread; <see cref="Posts"/> is read atomically.</remarks>
public sealed class CountingSynchronizationContext : SynchronizationContext
{
    private int _posts;

    /// <summary>How many callbacks were posted so far.</summary>
    public int Posts => Volatile.Read(ref _posts);

    /// <inheritdoc/>
    public override void Post(SendOrPostCallback d, object? state)
    {
        Interlocked.Increment(ref _posts);
        ThreadPool.QueueUserWorkItem(_ => d(state));
    }
}
