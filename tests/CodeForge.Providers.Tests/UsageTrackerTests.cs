using Microsoft.Extensions.AI;

namespace CodeForge.Providers.Tests;

public sealed class UsageTrackerTests
{
    private static readonly ModelPrice s_price = new(InputPerMTok: 3m, OutputPerMTok: 15m, CachedInputPerMTok: 0.30m, CacheWritePerMTok: 3.75m);

    private static UsageDetails Usage(long input, long output, long cached = 0, long cacheWrite = 0) => new()
    {
        InputTokenCount = input,
        OutputTokenCount = output,
        CachedInputTokenCount = cached,
        AdditionalCounts = cacheWrite == 0 ? null : new AdditionalPropertiesDictionary<long> { ["CacheCreationInputTokens"] = cacheWrite },
    };

    [Fact]
    public void Record_ReturnsTheCallsTokensAndCost()
    {
        var tracker = new UsageTracker();

        var call = tracker.Record("claude-sonnet-4-6", Usage(10_000, 1_000, cached: 4_000, cacheWrite: 2_000), s_price);

        Assert.Equal(new CallUsage("claude-sonnet-4-6", 10_000, 1_000, 4_000, 2_000, s_price.Cost(10_000, 1_000, 4_000, 2_000)), call);
    }

    [Fact]
    public void Snapshot_SumsCallsPerSessionAndPerModel()
    {
        var tracker = new UsageTracker();

        tracker.Record("a", Usage(100, 10, cached: 50), s_price);
        tracker.Record("b", Usage(200, 20), s_price);
        tracker.Record("a", Usage(300, 30, cacheWrite: 5), s_price);
        var totals = tracker.Snapshot;

        Assert.Equal((3, 600, 60, 50, 5), (totals.Calls, totals.InputTokens, totals.OutputTokens, totals.CachedInputTokens, totals.CacheWriteTokens));
        Assert.Equal(s_price.Cost(100, 10, 50) + s_price.Cost(200, 20) + s_price.Cost(300, 30, 0, 5), totals.Cost);
        Assert.Equal(new ModelUsage(2, 400, 40, 50, 5, s_price.Cost(100, 10, 50) + s_price.Cost(300, 30, 0, 5)), totals.ByModel["a"]);
        Assert.Equal(new ModelUsage(1, 200, 20, 0, 0, s_price.Cost(200, 20)), totals.ByModel["b"]);
        Assert.True(totals.CostIsComplete);
    }

    [Fact]
    public void UnpricedCalls_CountTokensButNotCost()
    {
        var tracker = new UsageTracker();

        tracker.Record("mystery", Usage(100, 10), price: null);
        tracker.Record("known", Usage(100, 10), s_price);
        var totals = tracker.Snapshot;

        Assert.Equal((2, 200), (totals.Calls, totals.InputTokens));
        Assert.Equal(s_price.Cost(100, 10), totals.Cost);
        Assert.Equal(1, totals.UnpricedCalls);
        Assert.False(totals.CostIsComplete);
        Assert.Null(totals.ByModel["mystery"].Cost);
    }

    [Fact]
    public void Record_WithoutUsage_CountsTheCallWithZeroTokens()
    {
        var tracker = new UsageTracker();

        var call = tracker.Record("m", null, s_price);

        Assert.Equal(new CallUsage("m", 0, 0, 0, 0, 0m), call);
        Assert.Equal(1, tracker.Snapshot.Calls);
    }

    [Fact]
    public void Record_TellsTheCallbackAboutEveryCall()
    {
        var seen = new List<CallUsage>();
        var tracker = new UsageTracker(seen.Add);

        var first = tracker.Record("m", Usage(1, 1), null);
        var second = tracker.Record("m", Usage(2, 2), null);

        Assert.Equal([first, second], seen);
    }

    [Fact]
    public void Record_WithoutAModelName_Throws()
    {
        Assert.Throws<ArgumentException>(() => new UsageTracker().Record("", Usage(1, 1), null));
    }

    [Fact]
    public async Task ConcurrentRecords_TotalsAreExact_AndEveryReaderSeesAConsistentSnapshot()
    {
        const int Threads = 8;
        const int CallsPerThread = 2_000;
        var tracker = new UsageTracker();
        var price = new ModelPrice(1m, 2m, 0.5m);
        using var done = new CancellationTokenSource();
        var torn = 0;
        var lastCalls = 0L;

        // A reader checks invariants that every recorded call keeps: output = 2 x input, cached = input, and the
        // number of calls never goes backwards. A torn or lost update would break one of them.
        var reader = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                var s = tracker.Snapshot;
                if (s.OutputTokens != 2 * s.InputTokens || s.CachedInputTokens != s.InputTokens || s.Calls < lastCalls ||
                    s.ByModel.Values.Sum(m => m.Calls) != s.Calls)
                {
                    Interlocked.Increment(ref torn);
                }
                lastCalls = s.Calls;
            }
        }, TestContext.Current.CancellationToken);

        using var start = new Barrier(Threads);
        var writers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 1; i <= CallsPerThread; i++)
            {
                tracker.Record($"model-{t % 3}", Usage(i, 2 * i, cached: i), price);
            }
        })).ToList();
        writers.ForEach(w => w.Start());
        writers.ForEach(w => w.Join());
        await done.CancelAsync();
        await reader;

        var perThread = (long)CallsPerThread * (CallsPerThread + 1) / 2;
        var totals = tracker.Snapshot;
        Assert.Equal(0, torn);
        Assert.Equal(Threads * CallsPerThread, totals.Calls);
        Assert.Equal(Threads * perThread, totals.InputTokens);
        Assert.Equal(2 * Threads * perThread, totals.OutputTokens);
        Assert.Equal(price.Cost(Threads * perThread, 2 * Threads * perThread, Threads * perThread), totals.Cost);
        Assert.Equal(Threads * CallsPerThread, totals.ByModel.Values.Sum(m => m.Calls));
    }
}
