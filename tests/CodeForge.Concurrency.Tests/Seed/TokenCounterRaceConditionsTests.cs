using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Concurrency.Tests.Tokens;
using CodeForge.Core.Tokens;

namespace CodeForge.Concurrency.Tests.Seed;

/// <summary>Loads the cl100k tokenizer once for the class (about 0.5 s idle, more under load), outside the timed tests.</summary>
public sealed class Cl100kLoaded
{
    public Cl100kLoaded() => TiktokenCounter.Cl100kBase.EnsureLoaded();
}

/// <summary>
/// Seed tests 14 and 15 (TestTokenCounterRaceConditions) with the seed's workloads and exact assertions: every result
/// equals the tokenizer's count, every text is tokenized exactly once (in-flight deduplication), the statistics add up
/// at rest, and size never exceeds capacity at any observation by concurrent samplers.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class TokenCounterRaceConditionsTests : IClassFixture<Cl100kLoaded>
{
    private static readonly TiktokenCounter Tokenizer = TiktokenCounter.Cl100kBase;

    [Fact]
    public void ConcurrentTokenCounting()
    {
        // The original: CachingCounter(TiktokenCounter() /* cl100k */, max_cache_size=100); 50 texts; 20 workers run
        // 10 rounds x 50 submits = 500 calls.
        var texts = Enumerable.Range(0, 50).Select(i => $"Test text number {i} for token counting").ToArray();
        var expected = texts.Select(Tokenizer.Count).ToArray();
        var inner = new CallCountingCounter(Tokenizer);
        var counter = new CachingCounter(inner, capacity: 100);
        var results = new int[500];

        using (Sample(counter, totalCalls: 500))
        {
            Stress.Pool(20, 500, job => results[job] = counter.Count(texts[job % 50]));
        }

        for (var job = 0; job < 500; job++)
        {
            Assert.Equal(expected[job % 50], results[job]);
        }
        // Each text is tokenized exactly once: concurrent first calls of a text wait for the one in flight.
        Assert.All(texts, text => Assert.Equal(1, inner.Calls(text)));
        Assert.Equal(new TokenCacheStats(Hits: 450, Misses: 50, Size: 50, Capacity: 100), counter.GetStats());
        Assert.Equal(texts.Order(StringComparer.Ordinal), counter.KeysMostRecentFirst().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ConcurrentCacheEviction()
    {
        // The original: max_cache_size=10; 30 workers over 200 unique texts.
        var texts = Enumerable.Range(0, 200).Select(i => $"Unique text {i} with some content").ToArray();
        var expected = texts.Select(Tokenizer.Count).ToArray();
        var inner = new CallCountingCounter(Tokenizer);
        var counter = new CachingCounter(inner, capacity: 10);
        var results = new int[200];

        using (Sample(counter, totalCalls: 200))
        {
            Stress.Pool(30, 200, job => results[job] = counter.Count(texts[job]));
        }

        Assert.Equal(expected, results);
        Assert.Equal(200, inner.TotalCalls);
        Assert.Equal(new TokenCacheStats(Hits: 0, Misses: 200, Size: 10, Capacity: 10), counter.GetStats());
        var cached = counter.KeysMostRecentFirst();
        Assert.Equal(10, cached.Distinct(StringComparer.Ordinal).Count());
        Assert.All(cached, key => Assert.Contains(key, texts));
    }

    /// <summary>
    /// Starts two sampler threads that, until disposed, read <see cref="CachingCounter.GetStats"/> and
    /// <see cref="CachingCounter.Size"/> and check at every observation: size within capacity and within misses (every
    /// entry came from a miss), calls never more than the workload, and counts never going backwards. Disposing stops
    /// them, reports how many samples fell inside the run, and fails with the first violation.
    /// </summary>
    private static Samplers Sample(CachingCounter counter, long totalCalls) => new(counter, totalCalls);

    private sealed class Samplers : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread[] _threads;
        private readonly CachingCounter _counter;
        private readonly long _totalCalls;
        private readonly CountdownEvent _started = new(2);
        private Exception? _failure;
        private long _samples;
        private long _midRun;

        public Samplers(CachingCounter counter, long totalCalls)
        {
            _counter = counter;
            _totalCalls = totalCalls;
            _threads = [.. Enumerable.Range(0, 2).Select(i => new Thread(Run) { IsBackground = true, Name = $"sampler-{i}" })];
            foreach (var t in _threads)
            {
                t.Start();
            }
            _started.Wait();
        }

        private void Run()
        {
            _started.Signal();
            try
            {
                TokenCacheStats? previous = null;
                do
                {
                    var stats = _counter.GetStats();
                    var size = _counter.Size;
                    Interlocked.Increment(ref _samples);
                    if (stats.Hits + stats.Misses is > 0 and var calls && calls < _totalCalls)
                    {
                        Interlocked.Increment(ref _midRun);
                    }
                    Check(stats.Size <= stats.Capacity && size <= stats.Capacity, $"size {stats.Size}/{size} over capacity {stats.Capacity}");
                    Check(stats.Size <= stats.Misses, $"size {stats.Size} over misses {stats.Misses}");
                    Check(stats.Hits + stats.Misses <= _totalCalls, $"{stats.Hits + stats.Misses} calls counted of {_totalCalls}");
                    Check(previous is null || (stats.Hits >= previous.Hits && stats.Misses >= previous.Misses),
                        $"counts went backwards: {previous} then {stats}");
                    previous = stats;
                    Thread.Yield(); // sample often, but leave the cores to the workers
                }
                while (!_stop.IsCancellationRequested);
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref _failure, ex, null);
            }
        }

        private static void Check(bool condition, string message)
        {
            if (!condition)
            {
                throw new InvalidOperationException("Invariant broken at an observation: " + message);
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            foreach (var t in _threads)
            {
                Assert.True(t.Join(Stress.DefaultWatchdog), "a sampler did not stop");
            }
            _stop.Dispose();
            _started.Dispose();
            TestContext.Current.TestOutputHelper?.WriteLine($"{_samples} samples, {_midRun} during the run");
            Assert.Null(_failure);
        }
    }
}
