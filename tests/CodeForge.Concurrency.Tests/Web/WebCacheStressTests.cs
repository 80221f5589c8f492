using System.Collections.Concurrent;
using System.Text.Json;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Web;

namespace CodeForge.Concurrency.Tests.Web;

/// <summary>
/// The disk tier under contention: two <see cref="WebCache"/> instances on one directory (a stand-in for two processes),
/// many writers of one key, and raw readers that parse the files themselves (so a torn file cannot hide behind the
/// cache's own "delete corrupt files" rule). Values encode their key and writer, so any cross-talk is visible.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class WebCacheStressTests : IDisposable
{
    private readonly string _directory = WebCachePages.NewDirectory();

    public void Dispose() => WebCachePages.DeleteDirectory(_directory);

    private static string Url(int k) => $"http://example.com/stress/{k}";

    /// <summary>Fixed-length content naming its key and writer, so every file of one key has the same size.</summary>
    private static string Content(int k, int writer, int op) => $"key={k:D2};writer={writer:D2};op={op:D4};" + new string('.', 200);

    private static void AssertContentIsForKey(int k, string content) =>
        Assert.StartsWith($"key={k:D2};", content, StringComparison.Ordinal);

    /// <summary>Every entry file parses as a whole entry for the key its name says; no temp file is left.</summary>
    private void AssertOnlyWholeFiles()
    {
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
        foreach (var path in Directory.GetFiles(_directory, "*.json"))
        {
            var document = JsonSerializer.Deserialize(File.ReadAllBytes(path), WebCacheJsonContext.Relaxed.WebCacheEntryDocument);
            Assert.NotNull(document);
            Assert.Equal(Path.GetFileNameWithoutExtension(path), document.Key);
        }
    }

    [Fact]
    public void TwoInstancesOnOneDirectory_UnderConcurrentSetGetDelete_NeverCrossKeysAndStayWithinBudget()
    {
        const int keys = 12;
        var probe = new WebCache(new WebCacheOptions { MaxMemoryBytes = 1 << 20 });
        Assert.True(probe.Set(WebCache.GenerateKey(Url(0)), WebCachePages.Page(Url(0), Content(0, 0, 0))));
        var entrySize = probe.Size; // the same for every key, writer and op (fixed-length URLs and contents)
        // Memory holds 3 entries (so most gets go to disk); the disk 8 of the 12 keys (so the budget evicts).
        WebCache NewInstance() => new(new WebCacheOptions
        {
            Directory = _directory,
            MaxMemoryBytes = 3 * entrySize,
            MaxDiskBytes = 8 * entrySize,
        });
        var instances = new[] { NewInstance(), NewInstance() };
        var hits = 0;

        Stress.RunThreads(6, t =>
        {
            var random = new Random(t);
            for (var op = 0; op < 150; op++)
            {
                var cache = instances[random.Next(2)];
                var k = random.Next(keys);
                var key = WebCache.GenerateKey(Url(k));
                switch (random.Next(10))
                {
                    case < 4:
                        Assert.True(cache.Set(key, WebCachePages.Page(Url(k), Content(k, t, op))));
                        break;
                    case < 9:
                        if (cache.Get(key) is { } got)
                        {
                            AssertContentIsForKey(k, got.Content);
                            Assert.Equal(Url(k), got.Url);
                            Interlocked.Increment(ref hits);
                        }
                        break;
                    default:
                        cache.Delete(key);
                        break;
                }
            }
        });

        Assert.True(hits > 0, "no get ever hit; the test exercised nothing");
        foreach (var cache in instances)
        {
            cache.CheckInvariants();
        }
        AssertOnlyWholeFiles();
        // The last write's reconciliation saw every file, so the directory is within budget at rest.
        Assert.True(Directory.GetFiles(_directory, "*.json").Sum(f => new FileInfo(f).Length) <= 8 * entrySize);
    }

    [Fact]
    public void OneKeyRewrittenByManyWritersOfTwoInstances_RawReadersNeverSeeATornFile()
    {
        var key = WebCache.GenerateKey(Url(1));
        var path = Path.Combine(_directory, key + ".json");
        var instances = new[]
        {
            new WebCache(new WebCacheOptions { Directory = _directory }),
            new WebCache(new WebCacheOptions { Directory = _directory }),
        };
        var readsOfAWholeFile = 0;
        var writersLeft = 4;
        var torn = new ConcurrentQueue<string>();
        // Writer 0 waits halfway until the raw readers have read whole files while writers were still writing.
        using var readMidRun = new ObservationLatch(required: 4);

        Stress.RunThreads(6, t =>
        {
            if (t < 4)
            {
                // Writers: contents of very different lengths, so a torn file could not parse.
                for (var op = 0; op < 30; op++)
                {
                    readMidRun.WorkloadStarted();
                    if (t == 0 && op == 15)
                    {
                        readMidRun.WaitMidRun();
                    }
                    var content = $"key=01;writer={t:D2};op={op:D4};" + new string((char)('a' + t), 50 + (op * 97 % 4000));
                    Assert.True(instances[t % 2].Set(key, WebCachePages.Page(Url(1), content)));
                }
                Interlocked.Decrement(ref writersLeft);
                return;
            }
            // Raw readers: read and parse the file directly while writers are running.
            while (Volatile.Read(ref writersLeft) > 0)
            {
                byte[] bytes;
                try
                {
                    bytes = File.ReadAllBytes(path);
                }
                catch (FileNotFoundException)
                {
                    continue; // not written yet
                }
                try
                {
                    var document = JsonSerializer.Deserialize(bytes, WebCacheJsonContext.Relaxed.WebCacheEntryDocument);
                    Assert.NotNull(document);
                    AssertContentIsForKey(1, document.Response.Content);
                    Interlocked.Increment(ref readsOfAWholeFile);
                    readMidRun.Observed();
                }
                catch (JsonException ex)
                {
                    torn.Enqueue($"{bytes.Length} bytes: {ex.Message}");
                }
            }
        });

        Assert.Empty(torn);
        Assert.True(readMidRun.ObservedDuringRun >= readMidRun.Required && readsOfAWholeFile > 0, "the raw readers never read the file mid-run");
        AssertOnlyWholeFiles();
        Assert.Single(Directory.GetFiles(_directory, "*.json"));
        // The surviving file is a whole entry that a fresh instance serves.
        var onDisk = JsonSerializer.Deserialize(File.ReadAllBytes(path), WebCacheJsonContext.Relaxed.WebCacheEntryDocument)!;
        var fresh = new WebCache(new WebCacheOptions { Directory = _directory });
        Assert.Equal(onDisk.Response.Content, fresh.Get(key)?.Content);
    }

    [Fact]
    public void MemoryTier_UnderMixedOperations_KeepsItsInvariantsAtEveryObservation()
    {
        var cache = new WebCache(new WebCacheOptions { MaxMemoryBytes = 4096 });
        var done = 0;
        var violations = new ConcurrentQueue<string>();
        var observations = 0;
        using var sampledMidRun = new ObservationLatch(required: 3);
        var sampler = new Thread(() =>
        {
            while (Volatile.Read(ref done) == 0)
            {
                try
                {
                    cache.CheckInvariants();
                }
                catch (InvalidOperationException ex)
                {
                    violations.Enqueue(ex.Message);
                }
                observations++;
                sampledMidRun.Observed();
            }
        })
        { IsBackground = true };
        sampler.Start();

        try
        {
            Stress.RunThreads(6, t =>
            {
                var random = new Random(t);
                for (var op = 0; op < 250; op++)
                {
                    sampledMidRun.WorkloadStarted();
                    if (t == 0 && op == 125)
                    {
                        sampledMidRun.WaitMidRun();
                    }
                    var k = random.Next(10);
                    var key = WebCache.GenerateKey(Url(k));
                    switch (random.Next(20))
                    {
                        case < 9:
                            cache.Set(key, WebCachePages.Page(Url(k), $"key={k:D2};" + new string('x', random.Next(5000))));
                            break;
                        case < 18:
                            if (cache.Get(key) is { } got)
                            {
                                AssertContentIsForKey(k, got.Content);
                            }
                            break;
                        case 18:
                            cache.Delete(key);
                            break;
                        default:
                            cache.Clear();
                            break;
                    }
                }
            });
        }
        finally
        {
            Volatile.Write(ref done, 1);
            sampler.Join();
        }

        Assert.Empty(violations);
        Assert.True(sampledMidRun.ObservedDuringRun >= sampledMidRun.Required && observations > 0, "the sampler never observed the cache mid-run");
        cache.CheckInvariants();
    }
}
