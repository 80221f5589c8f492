using System.Collections.Concurrent;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Concurrency.Tests.Web;
using CodeForge.Core.Web;
using Microsoft.Extensions.Time.Testing;

namespace CodeForge.Concurrency.Tests.Seed;

/// <summary>
/// The seed's TestWebCacheRaceConditions (tests 16–18) with their workloads, and stronger assertions: exact counts,
/// every value traced to its writer, the memory invariants (Σ entry sizes == Size ≤ budget) checked at rest and, for
/// eviction, at every observation by concurrent samplers; the disk tier's files checked after the run.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class WebCacheRaceConditionsTests : IDisposable
{
    private readonly string _directory = WebCachePages.NewDirectory();

    public void Dispose() => WebCachePages.DeleteDirectory(_directory);

    [Fact]
    public void ConcurrentCacheSet()
    {
        var cache = new WebCache(new WebCacheOptions { Directory = _directory, MaxMemoryBytes = 1024 * 1024 });
        var stored = new bool[100];

        Stress.Pool(20, 100, i =>
        {
            var url = $"http://example.com/{i}";
            stored[i] = cache.Set(WebCache.GenerateKey(url, null), WebCachePages.Page(url, $"Content for page {i}"));
        });

        Assert.All(stored, Assert.True);
        Assert.Equal(100, cache.Count);
        cache.CheckInvariants();
        for (var i = 0; i < 100; i++)
        {
            var got = cache.Get(WebCache.GenerateKey($"http://example.com/{i}", null));
            Assert.Equal($"Content for page {i}", got?.Content);
            Assert.Equal($"http://example.com/{i}", got?.Url);
        }
        // The disk tier: exactly 100 complete files, no temp file left, each readable by a fresh instance.
        Assert.Equal(100, Directory.GetFiles(_directory, "*.json").Length);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
        var fresh = new WebCache(new WebCacheOptions { Directory = _directory, MaxMemoryBytes = 1024 * 1024 });
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal($"Content for page {i}", fresh.Get(WebCache.GenerateKey($"http://example.com/{i}", null))?.Content);
        }
        Assert.Equal(100, fresh.Count);
        fresh.CheckInvariants();
    }

    [Fact]
    public void ConcurrentGetAndSet()
    {
        var time = new FakeTimeProvider(WebCachePages.FetchedAt);
        var cache = new WebCache(
            new WebCacheOptions { Directory = _directory, MaxMemoryBytes = 1024 * 1024, Ttl = TimeSpan.FromSeconds(60) }, time);
        static string Url(int k) => $"http://example.com/{k}";
        for (var k = 0; k < 20; k++)
        {
            Assert.True(cache.Set(WebCache.GenerateKey(Url(k), null), WebCachePages.Page(Url(k), $"Initial content {k}")));
        }
        var gets = new ConcurrentQueue<(int Job, FetchResponse? Result)>();

        Stress.Pool(30, 200, i =>
        {
            var k = i % 20;
            var key = WebCache.GenerateKey(Url(k), null);
            if (i % 2 == 0)
            {
                gets.Enqueue((i, cache.Get(key)));
            }
            else
            {
                Assert.True(cache.Set(key, WebCachePages.Page(Url(k), $"Updated content {i}")));
            }
        });

        // Each key's legal contents: its initial one and the updates written for it (never another key's).
        string[] Legal(int k) =>
            [$"Initial content {k}", .. Enumerable.Range(0, 200).Where(j => j % 2 == 1 && j % 20 == k).Select(j => $"Updated content {j}")];
        Assert.Equal(100, gets.Count);
        foreach (var (job, result) in gets)
        {
            var k = job % 20;
            Assert.NotNull(result);
            Assert.Equal(Url(k), result.Url);
            Assert.True(result.FromCache);
            Assert.Contains(result.Content, Legal(k));
        }
        for (var k = 0; k < 20; k++)
        {
            var final = cache.Get(WebCache.GenerateKey(Url(k), null))?.Content;
            // Gets (even jobs) only touch even keys and sets (odd jobs) only odd keys, as in the seed's i % 20 mapping:
            // an even key keeps its initial content, an odd key ends with one of its own updates.
            if (k % 2 == 0)
            {
                Assert.Equal($"Initial content {k}", final);
            }
            else
            {
                Assert.Contains(final, Legal(k).Skip(1));
            }
        }
        Assert.Equal(20, cache.Count);
        cache.CheckInvariants();
        Assert.Equal(20, Directory.GetFiles(_directory, "*.json").Length);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void ConcurrentEviction()
    {
        const long budget = 1024 * 10;
        static string Url(int i) => $"http://example.com/large/{i}";
        var content = new string('x', 1024);
        // How many entries fit: URLs /large/0..9 are one character shorter (twice: Url and FinalUrl) than /large/10..49.
        long SizeOf(int i)
        {
            var probe = new WebCache(new WebCacheOptions { MaxMemoryBytes = budget });
            Assert.True(probe.Set(WebCache.GenerateKey(Url(i), null), WebCachePages.Page(Url(i), content)));
            return probe.Size;
        }
        var (smallest, largest) = (SizeOf(0), SizeOf(49));
        Assert.Equal(budget / smallest, budget / largest); // so the number that fits does not depend on which survive
        var fits = (int)(budget / largest);
        Assert.InRange(fits, 2, 49); // eviction must happen

        var cache = new WebCache(new WebCacheOptions { MaxMemoryBytes = budget });
        var done = 0;
        var observations = new int[2];
        var violations = new ConcurrentQueue<string>();
        // The workload waits at its midpoint until each sampler has observed the cache mid-run (an event, not timing).
        var sampledMidRun = new[] { new ObservationLatch(required: 3), new ObservationLatch(required: 3) };
        var samplers = Enumerable.Range(0, 2).Select(s => new Thread(() =>
        {
            while (Volatile.Read(ref done) == 0)
            {
                var snapshot = cache.GetStatistics();
                if (snapshot.Size > budget || snapshot.Count > fits)
                {
                    violations.Enqueue($"observed {snapshot}");
                }
                try
                {
                    cache.CheckInvariants(); // a consistent snapshot taken under the cache's lock, mid-run
                }
                catch (InvalidOperationException ex)
                {
                    violations.Enqueue(ex.Message);
                }
                observations[s]++;
                sampledMidRun[s].Observed();
            }
        })
        { IsBackground = true }).ToList();
        samplers.ForEach(t => t.Start());

        try
        {
            Stress.Pool(20, 50, i =>
            {
                Array.ForEach(sampledMidRun, l => l.WorkloadStarted());
                if (i == 25)
                {
                    Array.ForEach(sampledMidRun, l => l.WaitMidRun());
                }
                Assert.True(cache.Set(WebCache.GenerateKey(Url(i), null), WebCachePages.Page(Url(i), content)));
            });
        }
        finally
        {
            Volatile.Write(ref done, 1);
            samplers.ForEach(t => t.Join());
        }

        Assert.Empty(violations);
        Assert.All(sampledMidRun, l => Assert.True(l.ObservedDuringRun >= l.Required, "a sampler never observed the cache mid-run"));
        Array.ForEach(sampledMidRun, l => l.Dispose());
        Assert.True(cache.Size <= budget);
        Assert.Equal(fits, cache.Count);
        Assert.Equal(50 - fits, cache.GetStatistics().Evictions);
        cache.CheckInvariants();
    }
}
