using CodeForge.Cli.Interactive;
using Microsoft.Extensions.Time.Testing;

namespace CodeForge.Cli.Tests.Interactive;

public sealed class UserWaitClockTests
{
    [Fact]
    public void Measure_AddsTheTimeBetweenStartAndDispose()
    {
        var time = new FakeTimeProvider();
        var clock = new UserWaitClock(time);

        using (clock.Measure())
        {
            time.Advance(TimeSpan.FromSeconds(12));
        }
        time.Advance(TimeSpan.FromSeconds(100));

        Assert.Equal(TimeSpan.FromSeconds(12), clock.Total);
    }

    [Fact]
    public void Measure_OfOverlappingWaits_AddsEachOnce()
    {
        var time = new FakeTimeProvider();
        var clock = new UserWaitClock(time);

        var first = clock.Measure();
        time.Advance(TimeSpan.FromSeconds(2));
        var second = clock.Measure();
        time.Advance(TimeSpan.FromSeconds(3));
        first.Dispose();
        first.Dispose();
        second.Dispose();

        Assert.Equal(TimeSpan.FromSeconds(8), clock.Total);
    }
}
