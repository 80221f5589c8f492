namespace CodeForge.Cli.Interactive;

/// <summary>
/// Adds up the time forge spends waiting on the user inside a turn (a permission question and the reason typed after a
/// "no"), so <c>/cost</c> can tell it apart from the time spent in model calls.
/// </summary>
/// <remarks>
/// Thread-safe: <see cref="Measure"/> may be called from any flow, also for overlapping waits (each adds its own
/// duration); <see cref="Total"/> reads the sum atomically.
/// </remarks>
internal sealed class UserWaitClock(TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private long _ticks;

    /// <summary>The time spent in finished waits so far.</summary>
    public TimeSpan Total => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    /// <summary>Starts measuring one wait; disposing the result ends it and adds its duration once.</summary>
    public Scope Measure() => new(this, _time.GetTimestamp());

    private void Add(long startedAt) => Interlocked.Add(ref _ticks, _time.GetElapsedTime(startedAt).Ticks);

    /// <summary>One wait being measured; the first dispose ends it.</summary>
    public sealed class Scope : IDisposable
    {
        private readonly UserWaitClock _clock;
        private readonly long _startedAt;
        private int _ended;

        internal Scope(UserWaitClock clock, long startedAt)
        {
            _clock = clock;
            _startedAt = startedAt;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                _clock.Add(_startedAt);
            }
        }
    }
}
