using CodeForge.Coyote.Tests.Infrastructure;
using CodeForge.Core.Web;
using Microsoft.Coyote.Specifications;

namespace CodeForge.Coyote.Tests.Web;

/// <summary>
/// Systematic exploration of <see cref="WebCache"/> (Coyote controls every task and every lock of the rewritten Core):
/// writers, a deleter and a reader race on one key of a cache with a disk tier, and on several keys of a memory budget
/// that forces evictions while an observer checks the memory tier's invariants at arbitrary points. The contract under
/// test (memory-access races on, so a schedule may switch between the memory insert and the disk write): memory and disk never hold different versions of a key written by one instance, a read returns a whole version
/// that was written, and Σ entry sizes == Size ≤ budget at every instant. The same disk scenario with the per-key stripes
/// broken (through the real class's test seam) must be caught.
/// </summary>
public sealed class WebCacheCoyoteTests
{
    private static readonly string Key = WebCache.GenerateKey("https://example.com/page");

    private static FetchResponse Response(string content) =>
        new("https://example.com/page", "https://example.com/page", 200, "text/plain", content,
            new Dictionary<string, string>(), "utf-8", DateTimeOffset.UnixEpoch);

    /// <summary>Two writers, a deleter and a reader on one key; at rest the memory tier and a fresh instance over the same
    /// directory (the disk tier alone) must agree on the key's version.</summary>
    private static async Task DiskScenario(bool brokenStripes)
    {
        var directory = Directory.CreateTempSubdirectory("forge-coyote-webcache-");
        try
        {
            var options = new WebCacheOptions { Directory = directory.FullName };
            var cache = new WebCache(options) { StripesBrokenForTests = brokenStripes };
            string[] written = ["v1", "v2"];
            var writers = written.Select(v => Task.Run(() => Specification.Assert(cache.Set(Key, Response(v)), $"Set({v}) refused")));
            var deleter = Task.Run(() => cache.Delete(Key));
            var reader = Task.Run(() =>
            {
                var seen = cache.Get(Key)?.Content;
                Specification.Assert(seen is null || written.Contains(seen), $"read '{seen}', never written");
            });
            await Task.WhenAll(writers.Append(deleter).Append(reader).ToArray());

            var inMemoryOrDisk = cache.Get(Key)?.Content;
            var onDisk = new WebCache(options).Get(Key)?.Content;
            Specification.Assert(inMemoryOrDisk == onDisk, $"memory says '{inMemoryOrDisk}', disk says '{onDisk}'");
            cache.CheckInvariants();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Runs the cache's first-time initialisation (System.Text.Json's metadata for the disk entries, type initialisers)
    /// once, outside Coyote, so no schedule pauses a task inside it while another blocks on the runtime's real locks
    /// around it (see the note on xunit.runner.json in the project file and the session writer's in docs/verification.md).
    /// </summary>
    private static void WarmUp()
    {
        var directory = Directory.CreateTempSubdirectory("forge-coyote-webcache-warm-");
        try
        {
            var cache = new WebCache(new WebCacheOptions { Directory = directory.FullName });
            cache.Set(Key, Response("warm"));
            _ = new WebCache(new WebCacheOptions { Directory = directory.FullName }).Get(Key);
            cache.Delete(Key);
            cache.CheckInvariants();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void SetDeleteGet_OnOneKeyWithADiskTier_KeepMemoryAndDiskOnOneVersion()
    {
        WarmUp();
        CoyoteRunner.AssertNoBug(() => DiskScenario(brokenStripes: false), CoyoteStrategy.Probabilistic, memoryAccessRaces: true);
    }

    [Fact]
    public void BrokenStripes_AreCaughtByTheSameScenario()
    {
        WarmUp();
        var bug = CoyoteRunner.AssertFindsBug(() => DiskScenario(brokenStripes: true), CoyoteStrategy.Probabilistic, memoryAccessRaces: true);
        TestContext.Current.TestOutputHelper?.WriteLine(bug);
    }

    [Fact]
    public void SetsThatEvict_WhileAnObserverChecks_KeepTheMemoryTiersInvariants()
    {
        WarmUp();
        CoyoteRunner.AssertNoBug(async () =>
        {
            // A budget of two entries: every third distinct key evicts the least recently used one.
            var size = EntrySize();
            var cache = new WebCache(new WebCacheOptions { MaxMemoryBytes = 2 * size + size / 2 });
            var keys = Enumerable.Range(0, 3).Select(i => WebCache.GenerateKey($"https://example.com/{i}")).ToArray();
            var workers = Enumerable.Range(0, 3).Select(w => Task.Run(() =>
            {
                for (var i = 0; i < 2; i++)
                {
                    var key = keys[(w + i) % keys.Length];
                    Specification.Assert(cache.Set(key, Small()), "Set refused");
                    _ = cache.Get(keys[(w + i + 1) % keys.Length]);
                }
            }));
            var observer = Task.Run(() =>
            {
                for (var sample = 0; sample < 3; sample++)
                {
                    cache.CheckInvariants();
                    Specification.Assert(cache.Count <= 2, $"{cache.Count} entries in a budget of 2");
                }
            });
            await Task.WhenAll(workers.Append(observer).ToArray());
            cache.CheckInvariants();
            Specification.Assert(cache.Count == 2, $"{cache.Count} entries at rest, expected 2 (3 keys, budget of 2)");

            static FetchResponse Small() => new("u", "u", 200, "text/plain", "x", new Dictionary<string, string>(), "utf-8", DateTimeOffset.UnixEpoch);

            static long EntrySize()
            {
                var probe = new WebCache();
                probe.Set(WebCache.GenerateKey("https://example.com/0"), Small());
                return probe.Size;
            }
        }, CoyoteStrategy.Random, memoryAccessRaces: true);
    }
}
