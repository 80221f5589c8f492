using BenchmarkDotNet.Attributes;
using CodeForge.Core.Web;

namespace CodeForge.Benchmarks.Web;

/// <summary>
/// WebCache get/set under contention. Each invocation runs a fixed number of operations split across
/// <see cref="Threads"/> threads, so the reported time per operation is wall-clock: with perfect scaling it halves from
/// 1 to 2 threads; under lock contention it does not. Memory tier only for Get/Set (256 keys, ~2 KiB pages, a budget
/// that holds them all, so Set replaces without evicting); plus Get on a memory miss served by the disk tier.
/// </summary>
[MemoryDiagnoser]
public class WebCacheBenchmarks
{
    private const int Keys = 256;
    private const int MemoryOps = 4096;
    private const int DiskOps = 128;

    private string[] _keys = [];
    private FetchResponse[] _pages = [];
    private WebCache _memory = null!;
    private WebCache _diskOnly = null!;
    private string _directory = "";

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _keys = [.. Enumerable.Range(0, Keys).Select(i => WebCache.GenerateKey($"https://example.com/docs/page/{i}"))];
        _pages = [.. Enumerable.Range(0, Keys).Select(i =>
            new FetchResponse($"https://example.com/docs/page/{i}", $"https://example.com/docs/page/{i}", 200, "text/html; charset=utf-8",
                $"# Page {i}\n\n" + new string('x', 2000), new Dictionary<string, string> { ["etag"] = $"\"{i}\"" }, "utf-8",
                DateTimeOffset.UnixEpoch))];
        _memory = new WebCache(new WebCacheOptions { MaxMemoryBytes = 64L * 1024 * 1024 });
        for (var i = 0; i < Keys; i++)
        {
            _memory.Set(_keys[i], _pages[i]);
        }

        _directory = Path.Combine(Path.GetTempPath(), "codeforge-webcache-bench", Guid.NewGuid().ToString("N"));
        var writer = new WebCache(new WebCacheOptions { Directory = _directory });
        for (var i = 0; i < Keys; i++)
        {
            writer.Set(_keys[i], _pages[i]);
        }
        // A memory budget smaller than any entry: every Get misses memory, reads the file, and cannot promote it.
        _diskOnly = new WebCache(new WebCacheOptions { Directory = _directory, MaxMemoryBytes = 1 });
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(Path.GetDirectoryName(_directory)!, recursive: true);

    private void Run(int totalOps, Action<int> op)
    {
        if (Threads == 1)
        {
            for (var i = 0; i < totalOps; i++)
            {
                op(i);
            }
            return;
        }
        var perThread = totalOps / Threads;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            for (var i = t * perThread; i < (t + 1) * perThread; i++)
            {
                op(i);
            }
        });
    }

    [Benchmark(OperationsPerInvoke = MemoryOps)]
    public void GetHit() => Run(MemoryOps, i => _memory.Get(_keys[(i * 7) % Keys]));

    [Benchmark(OperationsPerInvoke = MemoryOps)]
    public void SetReplace() => Run(MemoryOps, i => _memory.Set(_keys[(i * 7) % Keys], _pages[(i * 7) % Keys]));

    [Benchmark(OperationsPerInvoke = DiskOps)]
    public void GetFromDiskOnMemoryMiss() => Run(DiskOps, i => _diskOnly.Get(_keys[(i * 7) % Keys]));
}
