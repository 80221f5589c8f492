using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace CodeForge.Providers.Tests;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports every timer it creates with a finite positive due time, so a test
/// can wait until code under test has really started waiting before it advances the clock (advancing first would
/// leave the timer due in the future and the test hung).
/// </summary>
internal sealed class ObservedTimeProvider : TimeProvider
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public ObservedTimeProvider(DateTimeOffset? start = null) =>
        Fake = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public FakeTimeProvider Fake { get; }

    /// <summary>The due times of created timers, in creation order.</summary>
    public ChannelReader<TimeSpan> Timers => _timers.Reader;

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = Fake.CreateTimer(callback, state, dueTime, period);
        if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            _timers.Writer.TryWrite(dueTime);
        }
        return timer;
    }

    /// <summary>Waits for the next timer, checks its due time, and lets it expire.</summary>
    public async Task<TimeSpan> ElapseNextTimerAsync(CancellationToken cancellationToken)
    {
        var due = await _timers.Reader.ReadAsync(cancellationToken);
        Fake.Advance(due);
        return due;
    }
}
