namespace CodeForge.Concurrency.Tests.Infrastructure;

/// <summary>
/// Proves by an event that observers (samplers, readers, churners) ran while a workload was in progress: the workload
/// marks itself started, then at its midpoint waits until the observers have made <c>required</c> observations since that
/// start. A stress test that asserts "the sampler sampled" then decides on this latch, never on how threads happened to be
/// scheduled.
/// </summary>
/// <remarks>Thread-safe: any number of observers and workload threads may call every member concurrently.</remarks>
public sealed class ObservationLatch(int required) : IDisposable
{
    private readonly ManualResetEventSlim _reached = new(false);
    private int _started;
    private int _observed;

    /// <summary>Observations made after the workload started.</summary>
    public int ObservedDuringRun => Volatile.Read(ref _observed);

    /// <summary>The number of observations the midpoint waits for.</summary>
    public int Required => required;

    /// <summary>Marks the workload as started; observations count from here.</summary>
    public void WorkloadStarted() => Volatile.Write(ref _started, 1);

    /// <summary>Records one observation; counts only once the workload has started.</summary>
    public void Observed()
    {
        if (Volatile.Read(ref _started) != 0 && Interlocked.Increment(ref _observed) == required)
        {
            _reached.Set();
        }
    }

    /// <summary>Blocks the calling workload thread until enough observations were made during the run.</summary>
    public void WaitMidRun()
    {
        WorkloadStarted();
        if (!_reached.Wait(Stress.DefaultWatchdog))
        {
            throw new TimeoutException($"Watchdog: {ObservedDuringRun} of {required} observations made while the workload ran.");
        }
    }

    /// <summary>Awaits, without blocking a thread, enough observations during the run.</summary>
    public Task WaitMidRunAsync()
    {
        WorkloadStarted();
        return Task.Run(WaitMidRun);
    }

    /// <inheritdoc />
    public void Dispose() => _reached.Dispose();
}
