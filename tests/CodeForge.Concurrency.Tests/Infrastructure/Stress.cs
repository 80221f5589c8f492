using System.Collections.Concurrent;

namespace CodeForge.Concurrency.Tests.Infrastructure;

/// <summary>
/// Runs workers with maximum contention (all released by one barrier), collects every worker's exception, and bounds the
/// whole run with a watchdog so a deadlock fails the test instead of hanging CI.
/// </summary>
public static class Stress
{
    /// <summary>The default watchdog: generous for a loaded 2-core machine, far below the CI budget.</summary>
    /// <remarks>
    /// A last resort against a hang, never a bound a correct run can reach: on 2 cores at load 60 a run that takes 2 s
    /// of CPU can take a minute of wall time, so the watchdog is five minutes (a passing run never waits for it).
    /// </remarks>
    public static readonly TimeSpan DefaultWatchdog = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Starts <paramref name="threads"/> dedicated threads, releases them together, runs <paramref name="body"/>(index) on
    /// each. Throws <see cref="AggregateException"/> with every worker exception, or <see cref="TimeoutException"/> if the
    /// workers have not finished within the watchdog (a suspected deadlock).
    /// </summary>
    public static void RunThreads(int threads, Action<int> body, TimeSpan? watchdog = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var errors = new ConcurrentQueue<Exception>();
        using var barrier = new Barrier(threads);
        var workers = new Thread[threads];
        for (var t = 0; t < threads; t++)
        {
            var index = t;
            workers[t] = new Thread(() =>
            {
                try
                {
                    barrier.SignalAndWait();
                    body(index);
                }
                catch (Exception ex)
                {
                    errors.Enqueue(ex);
                }
            })
            { IsBackground = true, Name = $"stress-{index}" };
        }
        foreach (var w in workers)
        {
            w.Start();
        }
        JoinAll(workers, watchdog ?? DefaultWatchdog);
        ThrowIfAny(errors);
    }

    /// <summary>
    /// The equivalent of Python's <c>ThreadPoolExecutor(max_workers).map(job, range(jobs))</c>: <paramref name="maxWorkers"/>
    /// barrier-started threads pull job indices 0..jobs-1 from a shared counter; every job's exception is collected.
    /// </summary>
    public static void Pool(int maxWorkers, int jobs, Action<int> job, TimeSpan? watchdog = null)
    {
        var next = -1;
        var errors = new ConcurrentQueue<Exception>();
        RunThreads(maxWorkers, _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < jobs)
            {
                try
                {
                    job(i);
                }
                catch (Exception ex)
                {
                    errors.Enqueue(ex);
                }
            }
        }, watchdog);
        ThrowIfAny(errors);
    }

    /// <summary>
    /// Starts <paramref name="count"/> tasks released together (the equivalent of <c>asyncio.gather</c>), awaits them all
    /// within the watchdog, and throws with every task's exception.
    /// </summary>
    public static async Task GatherAsync(int count, Func<int, Task> body, TimeSpan? watchdog = null)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = new Task[count];
        for (var i = 0; i < count; i++)
        {
            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                await start.Task.ConfigureAwait(false);
                await body(index).ConfigureAwait(false);
            });
        }
        start.SetResult();
        var all = Task.WhenAll(tasks);
        try
        {
            await all.WaitAsync(watchdog ?? DefaultWatchdog).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var pending = tasks.Count(t => !t.IsCompleted);
            throw new TimeoutException($"Watchdog: {pending} of {count} tasks still running; suspected deadlock.");
        }
        catch
        {
            // Fall through to report every failure, not just the first.
        }
        var failures = tasks.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).ToList();
        if (failures.Count > 0)
        {
            throw new AggregateException($"{failures.Count} task(s) failed.", failures);
        }
    }

    /// <summary>Awaits <paramref name="task"/> within the watchdog, failing with a clear message on a suspected deadlock.</summary>
    public static async Task<T> WithinWatchdog<T>(Task<T> task, TimeSpan? watchdog = null, string what = "operation")
    {
        try
        {
            return await task.WaitAsync(watchdog ?? DefaultWatchdog).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Watchdog: {what} did not finish; suspected deadlock.");
        }
    }

    private static void JoinAll(Thread[] workers, TimeSpan watchdog)
    {
        var deadline = Environment.TickCount64 + (long)watchdog.TotalMilliseconds;
        foreach (var w in workers)
        {
            var left = deadline - Environment.TickCount64;
            if (left <= 0 || !w.Join(TimeSpan.FromMilliseconds(left)))
            {
                var alive = workers.Count(x => x.IsAlive);
                throw new TimeoutException($"Watchdog: {alive} of {workers.Length} threads still running after {watchdog}; suspected deadlock.");
            }
        }
    }

    private static void ThrowIfAny(ConcurrentQueue<Exception> errors)
    {
        if (!errors.IsEmpty)
        {
            throw new AggregateException($"{errors.Count} worker(s) failed.", errors);
        }
    }
}
