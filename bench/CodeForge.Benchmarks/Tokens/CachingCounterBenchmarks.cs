using BenchmarkDotNet.Attributes;
using CodeForge.Core.Tokens;

namespace CodeForge.Benchmarks.Tokens;

/// <summary>
/// Cached token counts: a hit, a miss, and the raw o200k tokenizer count as the miss baseline, on 1 and 2 threads.
/// Each invocation runs <see cref="CallsPerThread"/> calls on each of <see cref="Threads"/> threads, so the reported time is
/// the wall time per call as seen by each thread (its latency under that contention), not aggregate throughput.
/// </summary>
/// <remarks>
/// Texts are ~40-character sentences (<c>"Test text number {i} for token counting"</c>). Hits cycle over 16 cached texts.
/// Misses cycle over 64 texts through a cache of 16 (LRU misses every cyclic access longer than its capacity; the second
/// thread runs 32 texts apart so it never finds the first thread's insertions); the raw count runs over the same 64.
/// </remarks>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class CachingCounterBenchmarks
{
    public const int CallsPerThread = 4096;
    private const int HitTexts = 16;
    private const int MissTexts = 64;

    private readonly string[] _texts = [.. Enumerable.Range(0, MissTexts).Select(i => $"Test text number {i} for token counting")];
    private readonly TiktokenCounter _tokenizer = TiktokenCounter.O200kBase;
    private CachingCounter _hitCache = null!;
    private CachingCounter _missCache = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _tokenizer.EnsureLoaded();
        _hitCache = new CachingCounter(_tokenizer, capacity: 1000);
        foreach (var text in _texts.AsSpan(0, HitTexts))
        {
            _hitCache.Count(text);
        }
        _missCache = new CachingCounter(_tokenizer, capacity: HitTexts);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = CallsPerThread)]
    public long RawTokenizerCount() => Run(_tokenizer, MissTexts);

    [Benchmark(OperationsPerInvoke = CallsPerThread)]
    public long CachedHit() => Run(_hitCache, HitTexts);

    [Benchmark(OperationsPerInvoke = CallsPerThread)]
    public long CachedMiss() => Run(_missCache, MissTexts);

    private long Run(ITokenCounter counter, int textCount)
    {
        if (Threads == 1)
        {
            return Calls(counter, textCount, 0);
        }
        long total = 0;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads },
            t => Interlocked.Add(ref total, Calls(counter, textCount, t * (textCount / 2))));
        return total;
    }

    private long Calls(ITokenCounter counter, int textCount, int offset)
    {
        long sum = 0;
        for (var i = 0; i < CallsPerThread; i++)
        {
            sum += counter.Count(_texts[(offset + i) % textCount]);
        }
        return sum;
    }
}
