using CodeForge.Core.Tokens;
using CsCheck;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Tokens;

public sealed class CachingCounterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private readonly LengthCounter _inner = new();

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_WhenCapacityIsNotPositive_ThrowsArgumentOutOfRange(int capacity)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new CachingCounter(_inner, capacity));
        Assert.Equal("capacity", ex.ParamName);
        Assert.Contains("must be at least 1 text", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WhenInnerIsNull_ThrowsArgumentNull()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => new CachingCounter(null!, 10));
        Assert.Equal("inner", ex.ParamName);
    }

    [Fact]
    public void Constructor_WhenMaxCachedTextLengthIsNegative_ThrowsArgumentOutOfRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new CachingCounter(_inner, 10, maxCachedTextLength: -1));
        Assert.Equal("maxCachedTextLength", ex.ParamName);
        Assert.Contains("cannot be negative", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WhenMaxCachedTextLengthIsZero_CachesOnlyTheEmptyText()
    {
        var cache = new CachingCounter(_inner, 10, maxCachedTextLength: 0);

        cache.Count("");
        cache.Count("a");

        Assert.True(cache.CountWithHit("").Hit);
        Assert.False(cache.CountWithHit("a").Hit);
        Assert.Equal([""], cache.KeysMostRecentFirst());
    }

    [Fact]
    public void Count_WhenTextIsNull_ThrowsArgumentNull()
    {
        var cache = new CachingCounter(_inner, 10);

        var ex = Assert.Throws<ArgumentNullException>(() => cache.Count(null!));
        Assert.Equal("text", ex.ParamName);
        Assert.Equal(0, cache.GetStats().Misses);
    }

    [Fact]
    public void Count_WhenTextIsCountedTwice_TokenizesOnceWithOneMissThenOneHit()
    {
        var cache = new CachingCounter(_inner, 10);

        Assert.Equal(new CachedCount(5, Hit: false), cache.CountWithHit("hello"));
        Assert.Equal(new CachedCount(5, Hit: true), cache.CountWithHit("hello"));

        Assert.Equal(1, _inner.Calls("hello"));
        Assert.Equal(new TokenCacheStats(Hits: 1, Misses: 1, Size: 1, Capacity: 10), cache.GetStats());
    }

    [Fact]
    public void Count_WhenTextsDifferOnlyInCase_CachesThemSeparately()
    {
        var cache = new CachingCounter(_inner, 10);

        cache.Count("Hello");
        cache.Count("hello");

        Assert.Equal(2, cache.Size);
        Assert.Equal(0, cache.GetStats().Hits);
    }

    [Fact]
    public void Count_WhenCacheIsFull_EvictsTheLeastRecentlyUsedText()
    {
        var cache = new CachingCounter(_inner, 2);
        cache.Count("a");
        cache.Count("bb");
        cache.Count("a");      // hit: "a" becomes the most recent, "bb" the least

        cache.Count("ccc");    // evicts "bb", not "a"

        Assert.Equal(["ccc", "a"], cache.KeysMostRecentFirst());
        Assert.True(cache.CountWithHit("a").Hit);
        Assert.False(cache.CountWithHit("bb").Hit);
        Assert.Equal(2, cache.Size);
    }

    [Fact]
    public void Count_WhenTheMostRecentTextIsHitAtCapacity_EvictsNothing()
    {
        // The original's bug: re-inserting a present key at capacity evicted an unrelated entry.
        var cache = new CachingCounter(_inner, 2);
        cache.Count("a");
        cache.Count("bb");

        cache.Count("bb");
        cache.Count("a");

        Assert.Equal(["a", "bb"], cache.KeysMostRecentFirst());
        Assert.Equal(2, cache.Size);
    }

    [Fact]
    public void Count_WhenTextIsLongerThanTheCacheableLimit_BypassesTheCacheAsAMiss()
    {
        var cache = new CachingCounter(_inner, 10, maxCachedTextLength: 4);

        Assert.Equal(new CachedCount(5, Hit: false), cache.CountWithHit("12345"));
        Assert.Equal(new CachedCount(5, Hit: false), cache.CountWithHit("12345"));
        Assert.Equal(new CachedCount(4, Hit: false), cache.CountWithHit("1234"));
        Assert.Equal(new CachedCount(4, Hit: true), cache.CountWithHit("1234"));

        Assert.Equal(2, _inner.Calls("12345"));
        Assert.Equal(new TokenCacheStats(Hits: 1, Misses: 3, Size: 1, Capacity: 10), cache.GetStats());
    }

    [Fact]
    public void Count_WhenInnerThrows_PropagatesAndCachesNothing()
    {
        var cache = new CachingCounter(_inner, 10);
        _inner.OnCount = _ => throw new InvalidOperationException("tokenizer broke");

        var ex = Assert.Throws<InvalidOperationException>(() => cache.Count("x"));
        Assert.Equal("tokenizer broke", ex.Message);
        Assert.Equal(0, cache.Size);

        _inner.OnCount = null;
        Assert.Equal(new CachedCount(1, Hit: false), cache.CountWithHit("x"));
    }

    [Fact]
    public void GetStats_WhenNothingWasCounted_HasZeroHitRate()
    {
        var cache = new CachingCounter(_inner, 3);

        Assert.Equal(new TokenCacheStats(0, 0, 0, 3), cache.GetStats());
        Assert.Equal(0, cache.GetStats().HitRate);
    }

    [Fact]
    public void GetStats_ReportsHitsOverAllCalls()
    {
        var cache = new CachingCounter(_inner, 3);
        foreach (var text in new[] { "a", "a", "a", "b" })
        {
            cache.Count(text);
        }

        Assert.Equal(0.5, cache.GetStats().HitRate);
    }

    [Fact]
    public void Clear_EmptiesTheCacheAndResetsTheStatistics()
    {
        var cache = new CachingCounter(_inner, 3);
        cache.Count("a");
        cache.Count("a");

        cache.Clear();

        Assert.Equal(new TokenCacheStats(0, 0, 0, 3), cache.GetStats());
        Assert.Empty(cache.KeysMostRecentFirst());
        Assert.False(cache.CountWithHit("a").Hit);
    }

    [Fact]
    public void CountMessages_CountsLikeTheInnerCounterWithCachedParts()
    {
        var cache = new CachingCounter(_inner, 100);
        var messages = new[]
        {
            new ChatMessage(ChatRole.User, "read a.txt"),
            new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "Read", new Dictionary<string, object?> { ["path"] = "a.txt" })]),
            new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", "contents")]),
        };
        var expected = ChatMessageTokens.Count(new LengthCounter(), messages);

        Assert.Equal(expected, cache.CountMessages(messages));
        var afterFirst = cache.GetStats();
        Assert.Equal(expected, cache.CountMessages(messages));
        var afterSecond = cache.GetStats();

        Assert.Equal(afterFirst.Misses, afterSecond.Misses);
        Assert.True(afterSecond.Hits > afterFirst.Hits);
    }

    [Fact]
    public async Task Count_WhenSameTextIsCountedConcurrently_TokenizesOnceAndTheJoinerIsAHit()
    {
        var ct = TestContext.Current.CancellationToken;
        var cache = new CachingCounter(_inner, 10);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        _inner.OnCount = _ => { entered.Set(); release.Wait(ct); };

        var first = Task.Run(() => cache.CountWithHit("abc"), ct);
        entered.Wait(ct);
        var second = Task.Run(() => cache.CountWithHit("abc"), ct);
        Assert.True(SpinWait.SpinUntil(() => cache.GetStats().Hits == 1, Patience), "the second caller never joined");
        Assert.False(second.IsCompleted, "the joiner returned before the count it joined finished");
        release.Set();

        Assert.Equal(new CachedCount(3, Hit: false), await first);
        Assert.Equal(new CachedCount(3, Hit: true), await second);
        Assert.Equal(1, _inner.Calls("abc"));
        Assert.Equal(new TokenCacheStats(Hits: 1, Misses: 1, Size: 1, Capacity: 10), cache.GetStats());
    }

    [Fact]
    public async Task Count_WhenTwoCallersJoinTheSameCount_BothGetItsResult()
    {
        // The second joiner must reuse the in-flight slot the first joiner published, not replace it: a replaced slot is
        // never completed and its waiter hangs (a mutant that Stryker left alive).
        var ct = TestContext.Current.CancellationToken;
        var cache = new CachingCounter(_inner, 10);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        _inner.OnCount = _ => { entered.Set(); release.Wait(ct); };

        var first = Task.Run(() => cache.CountWithHit("abc"), ct);
        entered.Wait(ct);
        var second = Task.Run(() => cache.CountWithHit("abc"), ct);
        Assert.True(SpinWait.SpinUntil(() => cache.GetStats().Hits == 1, Patience), "the second caller never joined");
        var third = Task.Run(() => cache.CountWithHit("abc"), ct);
        Assert.True(SpinWait.SpinUntil(() => cache.GetStats().Hits == 2, Patience), "the third caller never joined");
        release.Set();

        Assert.Equal(new CachedCount(3, Hit: false), await first.WaitAsync(Patience, ct));
        Assert.Equal(new CachedCount(3, Hit: true), await second.WaitAsync(Patience, ct));
        Assert.Equal(new CachedCount(3, Hit: true), await third.WaitAsync(Patience, ct));
        Assert.Equal(1, _inner.Calls("abc"));
    }

    [Fact]
    public void ToString_NamesTheInnerCounterAndTheCapacity()
    {
        Assert.Equal($"CachingCounter({_inner}, capacity 7)", new CachingCounter(_inner, 7).ToString());
    }

    [Fact]
    public async Task Count_WhenACountFailsWhileOthersWait_EveryCallerGetsTheErrorAndNothingIsCached()
    {
        var ct = TestContext.Current.CancellationToken;
        var cache = new CachingCounter(_inner, 10);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        _inner.OnCount = _ => { entered.Set(); release.Wait(ct); throw new InvalidOperationException("boom"); };

        var first = Task.Run(() => cache.Count("abc"), ct);
        entered.Wait(ct);
        var second = Task.Run(() => cache.Count("abc"), ct);
        Assert.True(SpinWait.SpinUntil(() => cache.GetStats().Hits == 1, Patience), "the second caller never joined");
        release.Set();

        Assert.Equal("boom", (await Assert.ThrowsAsync<InvalidOperationException>(() => first)).Message);
        Assert.Equal("boom", (await Assert.ThrowsAsync<InvalidOperationException>(() => second)).Message);
        Assert.Equal(0, cache.Size);
        Assert.Equal(1, _inner.Calls("abc"));
    }

    [Fact]
    public async Task Count_WhileAnotherTextIsBeingCounted_HitsAreNotBlocked()
    {
        var ct = TestContext.Current.CancellationToken;
        var cache = new CachingCounter(_inner, 10);
        cache.Count("fast");
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        _inner.OnCount = text => { if (text == "slow") { entered.Set(); release.Wait(ct); } };

        var slow = Task.Run(() => cache.Count("slow"), ct);
        entered.Wait(ct);

        Assert.Equal(new CachedCount(4, Hit: true), cache.CountWithHit("fast"));
        Assert.Equal(new CachedCount(5, Hit: false), cache.CountWithHit("other"));
        release.Set();
        Assert.Equal(4, await slow);
    }

    private static readonly string[] Keys = [.. Enumerable.Range(1, 8).Select(i => new string((char)('a' + i), i))];

    /// <summary>
    /// Model-based: random sequences of counts (over 8 texts) and clears, on caches of capacity 1 to 5, against a plain
    /// MRU-first list. Every call's value and hit/miss, the recency order and the statistics must match the model.
    /// </summary>
    [Fact]
    public void Count_AgainstASequentialLruModel_AgreesOnEveryCall()
    {
        Gen.Select(Gen.Int[1, 5], Gen.Int[-1, Keys.Length - 1].Array[0, 120]).Sample((capacity, ops) =>
        {
            var inner = new LengthCounter();
            var cache = new CachingCounter(inner, capacity);
            var model = new List<string>();
            long hits = 0, misses = 0, tokenized = 0;
            foreach (var op in ops)
            {
                if (op < 0)
                {
                    cache.Clear();
                    model.Clear();
                    hits = misses = 0;
                    continue;
                }
                var text = Keys[op];
                var modelHit = model.Remove(text);
                model.Insert(0, text);
                if (model.Count > capacity)
                {
                    model.RemoveAt(model.Count - 1);
                }
                if (modelHit)
                {
                    hits++;
                }
                else
                {
                    misses++;
                    tokenized++;
                }

                Assert.Equal(new CachedCount(text.Length, modelHit), cache.CountWithHit(text));
                Assert.Equal(model, cache.KeysMostRecentFirst());
                Assert.Equal(new TokenCacheStats(hits, misses, model.Count, capacity), cache.GetStats());
            }
            Assert.Equal(tokenized, inner.TotalCalls);
        }, iter: 300);
    }
}
