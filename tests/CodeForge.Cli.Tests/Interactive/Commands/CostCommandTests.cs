using CodeForge.Cli.Interactive;
using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Tests.Interactive.Commands;

public sealed class CostCommandTests : IDisposable
{
    private readonly CommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task RunAsync_ShowsApiTimeAndTheTimeSpentWaitingOnTheUserApart()
    {
        _f.Engine.Usage = new UsageReport(10, 20, 0, 0.5m, TimeSpan.FromSeconds(4.2), TimeSpan.FromSeconds(60)) { UserWaitDuration = TimeSpan.FromSeconds(31.5) };

        await new CostCommand(_f.Context).RunAsync("", CommandFixture.Ct);

        Assert.Contains("API time:        4.2s", _f.Output, StringComparison.Ordinal);
        Assert.Contains("Waiting on you:  31.5s", _f.Output, StringComparison.Ordinal);
        Assert.Contains("Wall time:       60.0s", _f.Output, StringComparison.Ordinal);
        Assert.Contains("$0.5000", _f.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Lines_OfAModelWithoutAPrice_SaysTheCostIsUnknown()
    {
        var lines = CostCommand.Lines(new UsageReport(1, 1, 0, null, TimeSpan.Zero, TimeSpan.Zero));

        Assert.Contains(lines, l => l.Contains("unknown (no price for this model)", StringComparison.Ordinal));
    }

    [Fact]
    public void Lines_ShowCacheReadsAndCacheWritesApart()
    {
        var lines = CostCommand.Lines(new UsageReport(10_000, 100, 6_000, 0.02m, TimeSpan.Zero, TimeSpan.Zero) { CacheWriteTokens = 3_000 });

        Assert.Contains("Input tokens:    10,000 (6,000 cache read, 3,000 cache write)", lines);
    }
}
