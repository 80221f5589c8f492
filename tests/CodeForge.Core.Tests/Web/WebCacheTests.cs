using System.Collections;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using CodeForge.Core.Web;
using Microsoft.Extensions.Time.Testing;

namespace CodeForge.Core.Tests.Web;

public sealed class WebCacheTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "codeforge-webcache-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(Start);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    internal static string Url(string name) => $"http://example.com/{name}";

    internal static string Key(string name) => WebCache.GenerateKey(Url(name));

    internal static FetchResponse Page(string name, string content, Dictionary<string, string>? headers = null) =>
        new(Url(name), Url(name), 200, "text/html", content, headers ?? [], "utf-8", Start);

    /// <summary>The size the cache gives one entry (measured by a throwaway cache at the same clock reading).</summary>
    private long SizeOf(string name, string content)
    {
        var probe = new WebCache(new WebCacheOptions { MaxMemoryBytes = 1 << 30 }, _time);
        Assert.True(probe.Set(Key(name), Page(name, content)));
        return probe.Size;
    }

    private WebCache MemoryCache(long maxBytes = 1 << 20, TimeSpan? ttl = null) =>
        new(new WebCacheOptions { MaxMemoryBytes = maxBytes, Ttl = ttl ?? TimeSpan.FromMinutes(15) }, _time);

    private string CacheDir => Path.Combine(_root, "cache");

    private WebCache DiskCache(long maxBytes = 1 << 20, long maxDiskBytes = 1 << 20, TimeSpan? ttl = null) =>
        new(new WebCacheOptions
        {
            MaxMemoryBytes = maxBytes,
            MaxDiskBytes = maxDiskBytes,
            Directory = CacheDir,
            Ttl = ttl ?? TimeSpan.FromMinutes(15),
        }, _time);

    private string FileOf(string name) => Path.Combine(CacheDir, Key(name) + ".json");

    // ---- memory tier ----

    [Fact]
    public void Get_AfterSet_ReturnsTheResponseMarkedFromCache()
    {
        var cache = MemoryCache();
        var page = Page("a", "hello");

        Assert.True(cache.Set(Key("a"), page));
        var got = cache.Get(Key("a"));

        Assert.NotNull(got);
        Assert.True(got.FromCache);
        Assert.Equal(page with { FromCache = true, Headers = got.Headers }, got);
        Assert.Equal(1, cache.Count);
        cache.CheckInvariants();
    }

    [Fact]
    public void Get_WhenTheKeyWasNeverSet_ReturnsNull()
    {
        var cache = MemoryCache();

        Assert.Null(cache.Get(Key("missing")));
        Assert.Equal(1, cache.GetStatistics().Misses);
    }

    [Fact]
    public void Set_WhenTheBudgetIsFull_EvictsTheLeastRecentlyUsedEntryNotTheOldestInserted()
    {
        var size = SizeOf("a", "content");
        var cache = MemoryCache(maxBytes: 3 * size);
        cache.Set(Key("a"), Page("a", "content"));
        cache.Set(Key("b"), Page("b", "content"));
        cache.Set(Key("c"), Page("c", "content"));

        Assert.NotNull(cache.Get(Key("a"))); // a is now the most recently used; b the least.
        cache.Set(Key("d"), Page("d", "content"));

        Assert.NotNull(cache.Get(Key("a")));
        Assert.Null(cache.Get(Key("b")));
        Assert.NotNull(cache.Get(Key("c")));
        Assert.NotNull(cache.Get(Key("d")));
        Assert.Equal(3 * size, cache.Size);
        Assert.Equal(1, cache.GetStatistics().Evictions);
        cache.CheckInvariants();
    }

    [Fact]
    public void Set_WhenAnEntryNeedsSeveralEvictions_EvictsInRecencyOrderUntilItFits()
    {
        var small = SizeOf("a", "x");
        var bigContent = new string('y', (int)small); // big ≈ 2 small: fits with exactly one small one
        var cache = MemoryCache(maxBytes: 3 * small + 10);
        cache.Set(Key("a"), Page("a", "x"));
        cache.Set(Key("b"), Page("b", "x"));
        cache.Set(Key("c"), Page("c", "x"));
        cache.Get(Key("a"));

        Assert.True(cache.Set(Key("big"), Page("big", bigContent)));

        Assert.Equal([Key("big"), Key("a")], cache.KeysByRecency());
        cache.CheckInvariants();
    }

    [Fact]
    public void Get_WhenTheTtlHasElapsed_ReturnsNullAndDropsTheEntry()
    {
        var cache = MemoryCache(ttl: TimeSpan.FromSeconds(60));
        cache.Set(Key("a"), Page("a", "content"));

        _time.Advance(TimeSpan.FromSeconds(60));

        Assert.Null(cache.Get(Key("a")));
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Size);
        cache.CheckInvariants();
    }

    [Fact]
    public void Get_JustBeforeTheTtlElapses_ReturnsTheEntry()
    {
        var cache = MemoryCache(ttl: TimeSpan.FromSeconds(60));
        cache.Set(Key("a"), Page("a", "content"));

        _time.Advance(TimeSpan.FromSeconds(60) - TimeSpan.FromMilliseconds(1));

        Assert.NotNull(cache.Get(Key("a")));
    }

    [Fact]
    public void Set_WhenTheKeyIsSetAgain_RestartsItsTtl()
    {
        var cache = MemoryCache(ttl: TimeSpan.FromSeconds(60));
        cache.Set(Key("a"), Page("a", "first"));
        _time.Advance(TimeSpan.FromSeconds(50));
        cache.Set(Key("a"), Page("a", "second"));
        _time.Advance(TimeSpan.FromSeconds(50));

        Assert.Equal("second", cache.Get(Key("a"))?.Content);
    }

    [Fact]
    public void Set_WhenTheEntryIsLargerThanTheWholeBudget_RefusesItWithoutEvictingAnything()
    {
        var size = SizeOf("a", "content");
        var cache = MemoryCache(maxBytes: 3 * size);
        cache.Set(Key("a"), Page("a", "content"));
        cache.Set(Key("b"), Page("b", "content"));

        var stored = cache.Set(Key("huge"), Page("huge", new string('x', (int)(3 * size))));

        Assert.False(stored);
        Assert.Null(cache.Get(Key("huge")));
        Assert.NotNull(cache.Get(Key("a")));
        Assert.NotNull(cache.Get(Key("b")));
        Assert.Equal(2 * size, cache.Size);
        Assert.Equal(0, cache.GetStatistics().Evictions);
        cache.CheckInvariants();
    }

    [Fact]
    public void Set_WhenAReplacementIsTooLarge_KeepsTheOlderEntryForTheKey()
    {
        var size = SizeOf("a", "old");
        var cache = MemoryCache(maxBytes: 2 * size);
        cache.Set(Key("a"), Page("a", "old"));

        Assert.False(cache.Set(Key("a"), Page("a", new string('x', (int)(2 * size)))));

        Assert.Equal("old", cache.Get(Key("a"))?.Content);
        Assert.Equal(size, cache.Size);
    }

    [Fact]
    public void Set_WhenTheKeyExists_ReplacesTheEntryAndAdjustsTheSize()
    {
        var cache = MemoryCache();
        cache.Set(Key("a"), Page("a", "short"));
        var shortSize = cache.Size;

        cache.Set(Key("a"), Page("a", "a much longer content"));

        Assert.Equal(1, cache.Count);
        Assert.Equal(shortSize + ("a much longer content".Length - "short".Length), cache.Size);
        Assert.Equal("a much longer content", cache.Get(Key("a"))?.Content);
        cache.CheckInvariants();
    }

    [Fact]
    public void Size_CountsUtf8BytesNotCharacters()
    {
        var ascii = SizeOf("a", new string('e', 100));
        var accented = SizeOf("a", new string('é', 100));

        Assert.Equal(100, accented - ascii); // 'é' is 2 bytes in UTF-8, 1 char.
    }

    [Fact]
    public void Set_WhenTheCallerMutatesTheHeadersAfterwards_TheCachedEntryIsUnchanged()
    {
        var cache = MemoryCache();
        var headers = new Dictionary<string, string> { ["ETag"] = "\"v1\"" };
        cache.Set(Key("a"), Page("a", "content", headers));
        var size = cache.Size;

        headers["ETag"] = "\"v2\"";
        headers["X-Extra"] = "more";

        var got = cache.Get(Key("a"))!;
        Assert.Equal("\"v1\"", got.Headers["ETag"]);
        Assert.False(got.Headers.ContainsKey("X-Extra"));
        Assert.False(got.Headers is IDictionary<string, string> { IsReadOnly: false });
        Assert.Equal(size, cache.Size);
    }

    [Fact]
    public void Delete_RemovesTheEntryAndItsSize()
    {
        var cache = MemoryCache();
        cache.Set(Key("a"), Page("a", "content"));
        cache.Set(Key("b"), Page("b", "content"));
        var sizeOfB = SizeOf("b", "content");

        Assert.True(cache.Delete(Key("a")));

        Assert.Null(cache.Get(Key("a")));
        Assert.Equal(sizeOfB, cache.Size);
        Assert.False(cache.Delete(Key("a")));
        cache.CheckInvariants();
    }

    [Fact]
    public void Clear_RemovesEveryEntry()
    {
        var cache = MemoryCache();
        cache.Set(Key("a"), Page("a", "content"));
        cache.Set(Key("b"), Page("b", "content"));

        cache.Clear();

        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Size);
        Assert.Null(cache.Get(Key("a")));
        cache.CheckInvariants();
    }

    [Fact]
    public void GetStatistics_CountsHitsMissesAndEvictions()
    {
        var size = SizeOf("a", "c");
        var cache = MemoryCache(maxBytes: size);
        cache.Set(Key("a"), Page("a", "c"));
        cache.Get(Key("a"));
        cache.Set(Key("b"), Page("b", "c"));
        cache.Get(Key("a"));

        Assert.Equal(new WebCacheStatistics(1, size, size, Hits: 1, Misses: 1, Evictions: 1), cache.GetStatistics());
    }

    // ---- bad input ----

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(-1, 1, 1)]
    [InlineData(1, 0, 1)]
    [InlineData(1, 1, 0)]
    [InlineData(1, 1, -5)]
    public void Constructor_WhenABudgetOrTheTtlIsNotPositive_Throws(long maxMemory, long maxDisk, int ttlSeconds)
    {
        var options = new WebCacheOptions { MaxMemoryBytes = maxMemory, MaxDiskBytes = maxDisk, Ttl = TimeSpan.FromSeconds(ttlSeconds) };

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WebCache(options));
        Assert.Contains("must be positive", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WhenTheDirectoryIsBlank_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new WebCache(new WebCacheOptions { Directory = "  " }));
        Assert.Contains("Directory", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("../../../../etc/passwd")]
    [InlineData("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    public void GetSetDelete_WhenTheKeyIsNotAGeneratedKey_ThrowArgumentException(string key)
    {
        var cache = MemoryCache();

        Assert.Contains("not a web cache key", Assert.Throws<ArgumentException>(() => cache.Get(key)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => cache.Set(key, Page("a", "c")));
        Assert.Throws<ArgumentException>(() => cache.Delete(key));
    }

    [Fact]
    public void Set_WhenTheResponseIsNull_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => MemoryCache().Set(Key("a"), null!));
    }

    [Fact]
    public void Set_WhenAResponseFieldIsNull_ThrowsNamingTheRequiredFields()
    {
        var ex = Assert.Throws<ArgumentException>(() => MemoryCache().Set(Key("a"), Page("a", null!)));
        Assert.Contains("Content", ex.Message, StringComparison.Ordinal);
    }

    // ---- disk tier ----

    [Fact]
    public void Set_WithADiskTier_WritesTheSerializedEntryAtomicallyAndLeavesNoTempFile()
    {
        var cache = DiskCache();

        cache.Set(Key("a"), Page("a", "content"));

        Assert.True(File.Exists(FileOf("a")));
        Assert.Equal(cache.Size, new FileInfo(FileOf("a")).Length);
        Assert.Empty(Directory.GetFiles(CacheDir, "*.tmp"));
    }

    [Fact]
    public void Get_FromANewInstanceOnTheSameDirectory_ReturnsThePersistedEntryAndPromotesIt()
    {
        DiskCache().Set(Key("a"), Page("a", "persisted"));
        var second = DiskCache();

        var got = second.Get(Key("a"));

        Assert.Equal("persisted", got?.Content);
        Assert.True(got?.FromCache);
        Assert.Equal(1, second.Count);
        Assert.Equal(new FileInfo(FileOf("a")).Length, second.Size);
        second.CheckInvariants();
    }

    [Fact]
    public void Get_WhenTheMemoryEntryWasEvicted_ReadsItBackFromDisk()
    {
        var size = SizeOf("a", "content");
        var cache = DiskCache(maxBytes: size);
        cache.Set(Key("a"), Page("a", "content"));
        cache.Set(Key("b"), Page("b", "content")); // evicts a from memory, not from disk

        Assert.Equal("content", cache.Get(Key("a"))?.Content);
        Assert.Equal([Key("a")], cache.KeysByRecency());
        cache.CheckInvariants();
    }

    [Fact]
    public void Get_WhenTheFileIsCorrupt_ReturnsNullAndDeletesIt()
    {
        DiskCache().Set(Key("a"), Page("a", "content"));
        File.WriteAllText(FileOf("a"), "{ this is not json");

        Assert.Null(DiskCache().Get(Key("a")));
        Assert.False(File.Exists(FileOf("a")));
    }

    [Fact]
    public void Get_WhenTheFileIsPartial_ReturnsNullAndDeletesIt()
    {
        DiskCache().Set(Key("a"), Page("a", "content"));
        var bytes = File.ReadAllBytes(FileOf("a"));
        File.WriteAllBytes(FileOf("a"), bytes[..(bytes.Length / 2)]);

        Assert.Null(DiskCache().Get(Key("a")));
        Assert.False(File.Exists(FileOf("a")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("{\"formatVersion\":1}")]
    public void Get_WhenTheFileIsValidJsonButNotAnEntry_ReturnsNullAndDeletesIt(string json)
    {
        Directory.CreateDirectory(CacheDir);
        File.WriteAllText(FileOf("a"), json);

        Assert.Null(DiskCache().Get(Key("a")));
        Assert.False(File.Exists(FileOf("a")));
    }

    [Fact]
    public void Get_WhenTheFileHoldsAnotherKeysEntry_ReturnsNullAndDeletesIt()
    {
        DiskCache().Set(Key("a"), Page("a", "content"));
        File.Copy(FileOf("a"), FileOf("b"));

        Assert.Null(DiskCache().Get(Key("b")));
        Assert.False(File.Exists(FileOf("b")));
    }

    [Fact]
    public void Get_WhenTheFileHoldsANullField_ReturnsNullAndDeletesIt()
    {
        DiskCache().Set(Key("a"), Page("a", "content"));
        File.WriteAllText(FileOf("a"), File.ReadAllText(FileOf("a")).Replace("\"content\":\"content\"", "\"content\":null", StringComparison.Ordinal));

        Assert.Null(DiskCache().Get(Key("a")));
        Assert.False(File.Exists(FileOf("a")));
    }

    [Fact]
    public void Get_WhenTheFileHasExpired_ReturnsNullAndDeletesIt()
    {
        DiskCache(ttl: TimeSpan.FromSeconds(60)).Set(Key("a"), Page("a", "content"));
        // The TTL counts from the time stored in the file, not the file's mtime (which is real time, here in the future).
        _time.Advance(TimeSpan.FromSeconds(61));

        Assert.Null(DiskCache(ttl: TimeSpan.FromSeconds(60)).Get(Key("a")));
        Assert.False(File.Exists(FileOf("a")));
    }

    [Fact]
    public void Get_WhenTheMemoryEntryHasExpired_DoesNotServeTheFileEither()
    {
        var cache = DiskCache(ttl: TimeSpan.FromSeconds(60));
        cache.Set(Key("a"), Page("a", "content"));
        _time.Advance(TimeSpan.FromSeconds(60));

        Assert.Null(cache.Get(Key("a")));
        Assert.False(File.Exists(FileOf("a")));
        Assert.Equal(0, cache.Count);
    }

    private List<string> EntryFiles() =>
        [.. Directory.GetFiles(CacheDir, "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    private static List<string> FilesOf(params string[] names) =>
        [.. names.Select(n => Key(n) + ".json").Order(StringComparer.Ordinal)];

    private long DiskBytes() => Directory.GetFiles(CacheDir).Sum(f => new FileInfo(f).Length);

    [Fact]
    public void Set_WhenTheDiskBudgetIsExceeded_DeletesTheOldestFilesUntilItFits()
    {
        var size = SizeOf("p0", "content");
        var cache = DiskCache(maxDiskBytes: 3 * size + size / 2);

        for (var i = 0; i < 8; i++)
        {
            cache.Set(Key($"p{i}"), Page($"p{i}", "content"));
        }

        Assert.Equal(FilesOf("p5", "p6", "p7"), EntryFiles());
        Assert.True(DiskBytes() <= 3 * size + size / 2);
        Assert.Equal(DiskBytes(), cache.DiskTier!.TrackedBytes);
        cache.DiskTier.CheckInvariants();
    }

    [Fact]
    public void Get_WhenServedFromDisk_MakesTheFileTheLastToBeEvicted()
    {
        var size = SizeOf("p0", "content");
        var cache = DiskCache(maxBytes: size, maxDiskBytes: 3 * size);
        cache.Set(Key("p0"), Page("p0", "content"));
        cache.Set(Key("p1"), Page("p1", "content"));
        cache.Set(Key("p2"), Page("p2", "content"));

        Assert.NotNull(cache.Get(Key("p0"))); // from disk (memory holds one entry: p2)
        cache.Set(Key("p3"), Page("p3", "content"));

        Assert.Equal(FilesOf("p0", "p2", "p3"), EntryFiles());
    }

    [Fact]
    public void Set_WhenTheEntryIsTooLargeForDiskButFitsMemory_KeepsItInMemoryAndRemovesTheOlderFile()
    {
        var size = SizeOf("a", "old");
        var cache = DiskCache(maxBytes: 10 * size, maxDiskBytes: 2 * size);
        cache.Set(Key("a"), Page("a", "old"));

        Assert.True(cache.Set(Key("a"), Page("a", new string('n', (int)(3 * size)))));

        Assert.False(File.Exists(FileOf("a")));
        Assert.Equal(3 * (int)size, cache.Get(Key("a"))?.Content.Length);
    }

    [Fact]
    public void Set_WhenRefusedForSize_WritesNoFile()
    {
        var cache = DiskCache(maxBytes: 100);

        Assert.False(cache.Set(Key("a"), Page("a", new string('x', 200))));

        Assert.False(File.Exists(FileOf("a")));
    }

    [Fact]
    public void Delete_WithADiskTier_RemovesTheFileToo()
    {
        var cache = DiskCache();
        cache.Set(Key("a"), Page("a", "content"));

        Assert.True(cache.Delete(Key("a")));

        Assert.False(File.Exists(FileOf("a")));
        Assert.Null(DiskCache().Get(Key("a")));
    }

    [Fact]
    public void Delete_WhenOnlyTheFileExists_RemovesItAndReturnsTrue()
    {
        DiskCache().Set(Key("a"), Page("a", "content"));

        Assert.True(DiskCache().Delete(Key("a")));
        Assert.False(File.Exists(FileOf("a")));
    }

    [Fact]
    public void Clear_WithADiskTier_RemovesEntryAndTempFilesButNoOtherFiles()
    {
        var cache = DiskCache();
        cache.Set(Key("a"), Page("a", "content"));
        cache.Set(Key("b"), Page("b", "content"));
        var orphan = Path.Combine(CacheDir, Key("c") + ".0123456789abcdef0123456789abcdef.tmp");
        File.WriteAllText(orphan, "{ partial");
        var foreign = Path.Combine(CacheDir, "notes.json");
        File.WriteAllText(foreign, "{}");

        cache.Clear();

        Assert.Equal(0, cache.Count);
        Assert.Equal([foreign], Directory.GetFiles(CacheDir));
        Assert.Null(DiskCache().Get(Key("a")));
    }

    [Fact]
    public async Task Clear_WithADiskTier_ReleasesEveryKeyStripeForOtherThreads()
    {
        var cache = DiskCache();
        // Clear takes every per-key stripe lock; on a thread that then ends, so a stripe it failed to release would stay
        // held by a dead thread and block every later writer of that key's stripe.
        var clearing = new Thread(cache.Clear);
        clearing.Start();
        clearing.Join();
        var keys = Enumerable.Range(0, 64).Select(i => $"k{i}").ToArray();

        // A watchdog only: the writes take microseconds unless a stripe is still held, and then they never finish.
        await Task.Run(() =>
        {
            foreach (var name in keys)
            {
                Assert.True(cache.Set(Key(name), Page(name, "content")));
            }
        }, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(keys.Length, cache.Count);
    }

    [Fact]
    public void Set_WithADiskTier_NeverEvictsForeignFiles()
    {
        Directory.CreateDirectory(CacheDir);
        var foreign = Path.Combine(CacheDir, "readme.json");
        File.WriteAllText(foreign, new string('z', 10_000));
        var size = SizeOf("a", "content");
        var cache = DiskCache(maxDiskBytes: size);

        cache.Set(Key("a"), Page("a", "content"));
        cache.Set(Key("b"), Page("b", "content"));

        Assert.True(File.Exists(foreign));
        Assert.True(File.Exists(FileOf("b")));
        Assert.False(File.Exists(FileOf("a")));
    }

    [Fact]
    public void StoredFile_IsUtf8JsonWithTheStoreTime()
    {
        var cache = DiskCache();
        cache.Set(Key("a"), Page("a", "contént"));

        var text = File.ReadAllText(FileOf("a"), Encoding.UTF8);

        Assert.Contains($"\"storedAtUnixMs\":{Start.ToUnixTimeMilliseconds()}", text, StringComparison.Ordinal);
        Assert.Contains($"\"key\":\"{Key("a")}\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("fromCache", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Get_WhenTheFileIsLargerThanTheMemoryBudget_ServesItWithoutKeepingItInMemory()
    {
        var size = SizeOf("a", "content");
        DiskCache().Set(Key("a"), Page("a", "content"));
        var small = DiskCache(maxBytes: size - 1);

        Assert.Equal("content", small.Get(Key("a"))?.Content);

        Assert.Equal(0, small.Count);
        Assert.Equal(0, small.Size);
        Assert.Equal(1, small.GetStatistics().Hits);
        small.CheckInvariants();
    }

    [Fact]
    public void GetStatistics_WithADiskTier_CountsDiskHitsAndMisses()
    {
        DiskCache().Set(Key("a"), Page("a", "content"));
        var cache = DiskCache();

        Assert.NotNull(cache.Get(Key("a"))); // from disk
        Assert.NotNull(cache.Get(Key("a"))); // from memory
        Assert.Null(cache.Get(Key("b")));    // neither

        var stats = cache.GetStatistics();
        Assert.Equal((2L, 1L, 0L), (stats.Hits, stats.Misses, stats.Evictions));
    }

    [Fact]
    public void Delete_WhenOnlyTheMemoryEntryIsLeft_ReturnsTrue()
    {
        var cache = DiskCache();
        cache.Set(Key("a"), Page("a", "content"));
        File.Delete(FileOf("a")); // e.g. another instance's budget eviction

        Assert.True(cache.Delete(Key("a")));
        Assert.Null(cache.Get(Key("a")));
    }

    [Fact]
    public void Get_WhenAnotherInstanceSetTheKeyAfterThisOneCachedIt_KeepsServingItsOwnVersionUntilTheTtl()
    {
        var first = DiskCache(ttl: TimeSpan.FromSeconds(60));
        first.Set(Key("a"), Page("a", "first"));
        _time.Advance(TimeSpan.FromSeconds(30));
        DiskCache(ttl: TimeSpan.FromSeconds(60)).Set(Key("a"), Page("a", "second"));

        Assert.Equal("first", first.Get(Key("a"))?.Content);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("second", first.Get(Key("a"))?.Content); // memory expired; the newer file is read and promoted
        Assert.Equal(1, first.Count);
    }

    [Fact]
    public void Options_Defaults_AreAHundredMebibytesPerTierAndFifteenMinutes()
    {
        var options = new WebCacheOptions();

        Assert.Equal((100L << 20, 100L << 20, TimeSpan.FromMinutes(15)), (options.MaxMemoryBytes, options.MaxDiskBytes, options.Ttl));
        Assert.Null(options.Directory);
        Assert.Equal(100L << 20, new WebCache().MaxSize);
        Assert.Null(new WebCache().Directory);
        Assert.Equal(Path.GetFullPath(CacheDir), DiskCache().Directory);
    }

    [Fact]
    public void SetAndGet_WithTheDefaultOptionsAndClock_StoreAndServe()
    {
        var cache = new WebCache();

        Assert.True(cache.Set(Key("a"), Page("a", "content")));

        Assert.Equal("content", cache.Get(Key("a"))?.Content);
    }

    [Fact]
    public void Constructor_WithAHugeTtl_KeepsEntriesValid()
    {
        var cache = MemoryCache(ttl: TimeSpan.MaxValue);
        cache.Set(Key("a"), Page("a", "content"));

        _time.Advance(TimeSpan.FromDays(3650));

        Assert.NotNull(cache.Get(Key("a")));
    }

    [Theory]
    [InlineData("Url")]
    [InlineData("FinalUrl")]
    [InlineData("ContentType")]
    [InlineData("Content")]
    [InlineData("Headers")]
    [InlineData("Encoding")]
    public void Set_WhenAnyRequiredFieldIsNull_RefusesTheResponseAndStoresNothing(string field)
    {
        var page = Page("a", "content");
        var broken = field switch
        {
            "Url" => page with { Url = null! },
            "FinalUrl" => page with { FinalUrl = null! },
            "ContentType" => page with { ContentType = null! },
            "Content" => page with { Content = null! },
            "Headers" => page with { Headers = null! },
            _ => page with { Encoding = null! },
        };
        var cache = DiskCache();

        var ex = Assert.Throws<ArgumentException>(() => cache.Set(Key("a"), broken));

        Assert.Equal("response", ex.ParamName);
        Assert.Equal(0, cache.Count);
        Assert.False(File.Exists(FileOf("a")));
    }

    [Fact]
    public void GetSetDelete_WhenTheKeyIsNull_ThrowArgumentNullException()
    {
        var cache = DiskCache();

        Assert.Throws<ArgumentNullException>(() => cache.Get(null!));
        Assert.Throws<ArgumentNullException>(() => cache.Set(null!, Page("a", "c")));
        Assert.Throws<ArgumentNullException>(() => cache.Delete(null!));
    }

    [Fact]
    public void Get_WhenTheFileIsExactlyTheMemoryBudget_PromotesIt()
    {
        var size = SizeOf("a", "content");
        DiskCache().Set(Key("a"), Page("a", "content"));
        var cache = DiskCache(maxBytes: size);

        Assert.Equal("content", cache.Get(Key("a"))?.Content);

        Assert.Equal([Key("a")], cache.KeysByRecency());
        Assert.Equal(size, cache.Size);
        cache.CheckInvariants();
    }

    [Theory]
    [InlineData("storedAtUnixMs")]
    [InlineData("response.statusCode")]
    [InlineData("response.fetchedAt")]
    public void Get_WhenTheFileLacksARequiredMember_IsAMissEvenWithAnEndlessTtl(string member)
    {
        // With an endless TTL a missing store time (read as 0, the epoch) would still be valid: only the reader's strictness
        // about required members keeps such a file from being served with made-up values.
        DiskCache(ttl: TimeSpan.MaxValue).Set(Key("a"), Page("a", "content"));
        var document = JsonNode.Parse(File.ReadAllText(FileOf("a")))!.AsObject();
        var path = member.Split('.');
        var owner = path.Length == 1 ? document : document[path[0]]!.AsObject();
        Assert.True(owner.Remove(path[^1]));
        File.WriteAllText(FileOf("a"), document.ToJsonString());

        Assert.Null(DiskCache(ttl: TimeSpan.MaxValue).Get(Key("a")));
        Assert.False(File.Exists(FileOf("a")));
    }

    // ---- per-key stripes: a disk read holds its key's stripe, and Delete and Clear wait for it ----

    private static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(60);

    private static async Task MakeFifoAsync(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, mkfifo.ExitCode);
    }

    /// <summary>The whole file another cache writes for the entry, at this clock reading.</summary>
    private byte[] EntryFileBytes(string name, string content)
    {
        var other = Path.Combine(_root, "other");
        new WebCache(new WebCacheOptions { Directory = other }, _time).Set(Key(name), Page(name, content));
        return File.ReadAllBytes(Path.Combine(other, Key(name) + ".json"));
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a new thread and returns once it has finished or has stayed blocked on a lock
    /// (WaitSleepJoin) for 20 looks in a row, a millisecond apart; the stopwatch is a watchdog only. Neither outcome
    /// decides a test against the real cache (a Delete or Clear that waits for the Get cannot finish before it anyway):
    /// the wait only gives a Delete or Clear that does NOT wait the time to finish first, so the test sees what it did.
    /// </summary>
    private static Thread StartAndWaitUntilBlockedOrDone(Action work)
    {
        var finished = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            work();
            finished.Set();
        }) { IsBackground = true };
        thread.Start();
        var watchdog = Stopwatch.StartNew();
        for (var blockedLooks = 0; !finished.IsSet && blockedLooks < 20;)
        {
            Assert.True(watchdog.Elapsed < Watchdog, "The thread neither blocked nor finished.");
            blockedLooks = (thread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) != 0 ? blockedLooks + 1 : 0;
            Thread.Sleep(1);
        }
        return thread;
    }

    /// <summary>
    /// Starts a Get of key "a" whose file is a named pipe, so the Get stays inside its disk read, holding the key's stripe,
    /// until the returned writer is closed. Opening the writer returns only once the Get has opened the pipe.
    /// </summary>
    private async Task<(Task<FetchResponse?> Get, FileStream Writer)> StartAGetReadingThePipeAsync(WebCache cache)
    {
        await MakeFifoAsync(FileOf("a"));
        var get = Task.Run(() => cache.Get(Key("a")), TestContext.Current.CancellationToken);
        var writer = await Task.Run(() => new FileStream(FileOf("a"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite), TestContext.Current.CancellationToken)
            .WaitAsync(Watchdog, TestContext.Current.CancellationToken);
        return (get, writer);
    }

    [Fact]
    public async Task Delete_WhileAGetOfTheKeyIsReadingItsFile_WaitsForItSoTheDeletedEntryIsNotLeftInMemory()
    {
        var bytes = EntryFileBytes("a", "from disk");
        var cache = DiskCache();
        cache.Set(Key("warm-up"), Page("warm-up", "content"));
        Assert.True(cache.Delete(Key("warm-up"))); // the Delete path runs once before: no start-up waits in the one that counts
        var (get, writer) = await StartAGetReadingThePipeAsync(cache);
        var deleted = false;

        var deleting = StartAndWaitUntilBlockedOrDone(() => deleted = cache.Delete(Key("a")));
        await using (writer)
        {
            await writer.WriteAsync(bytes, TestContext.Current.CancellationToken);
        }
        var got = await get.WaitAsync(Watchdog, TestContext.Current.CancellationToken);
        Assert.True(deleting.Join(Watchdog));

        // Get first (it read the file and promoted it), then Delete: the Delete removes what the Get promoted. A Delete
        // that did not wait would run first and leave the promoted entry of a deleted key in memory.
        Assert.Equal("from disk", got?.Content);
        Assert.True(deleted);
        Assert.Equal(0, cache.Count);
        Assert.False(File.Exists(FileOf("a")));
        cache.CheckInvariants();
    }

    [Fact]
    public async Task Clear_WhileAGetIsReadingAFile_WaitsForItSoNothingIsLeftInMemory()
    {
        var bytes = EntryFileBytes("a", "from disk");
        var cache = DiskCache();
        cache.Set(Key("b"), Page("b", "content"));
        cache.Clear(); // the Clear path runs once before: no start-up waits in the one that counts
        cache.Set(Key("b"), Page("b", "content"));
        var (get, writer) = await StartAGetReadingThePipeAsync(cache);

        var clearing = StartAndWaitUntilBlockedOrDone(cache.Clear);
        await using (writer)
        {
            await writer.WriteAsync(bytes, TestContext.Current.CancellationToken);
        }
        var got = await get.WaitAsync(Watchdog, TestContext.Current.CancellationToken);
        Assert.True(clearing.Join(Watchdog));

        Assert.Equal("from disk", got?.Content);
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Size);
        Assert.Empty(Directory.GetFiles(CacheDir));
        cache.CheckInvariants();
    }

    [Fact]
    public async Task Get_WhileAnotherGetOfTheKeyReadsItsFile_WaitsAndServesWhatThatOnePromoted()
    {
        var fromPipe = EntryFileBytes("a", "read by the first get");
        var cache = DiskCache();
        Assert.Null(cache.Get(Key("warm-up"))); // the disk-miss path runs once before: no start-up waits in the one that counts
        var (first, writer) = await StartAGetReadingThePipeAsync(cache);
        FetchResponse? secondGot = null;

        var second = StartAndWaitUntilBlockedOrDone(() => secondGot = cache.Get(Key("a")));
        // The key's file is replaced meanwhile (the first Get keeps the pipe it opened): a Get that went to the disk now, not
        // to memory, would serve this newer file instead of what the first Get promoted.
        var later = Path.Combine(_root, "later.json");
        await File.WriteAllBytesAsync(later, EntryFileBytes("a", "written later"), TestContext.Current.CancellationToken);
        File.Move(later, FileOf("a"), overwrite: true);
        await using (writer)
        {
            await writer.WriteAsync(fromPipe, TestContext.Current.CancellationToken);
        }
        var firstGot = await first.WaitAsync(Watchdog, TestContext.Current.CancellationToken);
        Assert.True(second.Join(Watchdog));

        Assert.Equal("read by the first get", firstGot?.Content);
        Assert.Equal("read by the first get", secondGot?.Content);
        Assert.Equal(2, cache.GetStatistics().Hits);
    }

    [Fact]
    public async Task StripesBrokenForTests_LetsADeleteOvertakeAGetReadingTheKey()
    {
        // The seam the systematic-scheduling tests use to show that they find the divergence the stripes prevent: with it,
        // the Delete above does not wait for the Get (it finishes while the Get is still reading), and the deleted key's
        // entry is left in memory.
        var bytes = EntryFileBytes("a", "from disk");
        var cache = new WebCache(new WebCacheOptions { Directory = CacheDir }, _time) { StripesBrokenForTests = true };
        var (get, writer) = await StartAGetReadingThePipeAsync(cache);
        var deleting = new Thread(() => cache.Delete(Key("a"))) { IsBackground = true };
        deleting.Start();

        var overtook = deleting.Join(Watchdog); // a stripe that still worked would hold the Delete until the watchdog
        await using (writer)
        {
            await writer.WriteAsync(bytes, TestContext.Current.CancellationToken);
        }
        await get.WaitAsync(Watchdog, TestContext.Current.CancellationToken);
        Assert.True(deleting.Join(Watchdog));

        Assert.True(overtook, "The Delete waited for the Get although the stripes were broken.");
        Assert.Equal(1, cache.Count);
    }

    // ---- CheckInvariants, the oracle of the concurrency tests: it must say which invariant broke ----

    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;

    private static object FieldOf(object target, string name) => target.GetType().GetField(name, Private)!.GetValue(target)!;

    private static void SetFieldOf(object target, string name, object value) => target.GetType().GetField(name, Private)!.SetValue(target, value);

    private static Type EntryType => typeof(WebCache).GetNestedType("Entry", BindingFlags.NonPublic)!;

    /// <summary>The most recently used node of the recency list (a <c>LinkedListNode&lt;Entry&gt;</c>).</summary>
    private static object FirstNode(WebCache cache)
    {
        var recency = FieldOf(cache, "_recency");
        return recency.GetType().GetProperty("First")!.GetValue(recency)!;
    }

    private static object ValueOf(object node) => node.GetType().GetProperty("Value")!.GetValue(node)!;

    private static void SetValueOf(object node, object entry) => node.GetType().GetProperty("Value")!.SetValue(node, entry);

    private static object EntryWithSize(object entry, long size)
    {
        var type = entry.GetType();
        return Activator.CreateInstance(type, type.GetProperty("Key")!.GetValue(entry), type.GetProperty("Response")!.GetValue(entry), size,
            type.GetProperty("StoredAtMs")!.GetValue(entry))!;
    }

    private static object DetachedNode(object entry) => Activator.CreateInstance(typeof(LinkedListNode<>).MakeGenericType(EntryType), entry)!;

    private WebCache CacheHoldingA(long maxBytes = 1 << 20)
    {
        var cache = MemoryCache(maxBytes);
        cache.Set(Key("a"), Page("a", "content"));
        cache.CheckInvariants();
        return cache;
    }

    private static void AssertInvariantBroken(WebCache cache, string message) =>
        Assert.Equal(message, Assert.Throws<InvalidOperationException>(cache.CheckInvariants).Message);

    [Fact]
    public void CheckInvariants_WhenAKeyIsInTheRecencyListTwice_SaysSo()
    {
        var cache = CacheHoldingA();
        var recency = FieldOf(cache, "_recency");
        recency.GetType().GetMethod("AddLast", [EntryType])!.Invoke(recency, [ValueOf(FirstNode(cache))]);

        AssertInvariantBroken(cache, $"Key {Key("a")} is in the recency list twice.");
    }

    [Fact]
    public void CheckInvariants_WhenTheMapLacksARecencyEntry_SaysSo()
    {
        var cache = CacheHoldingA();
        ((IDictionary)FieldOf(cache, "_map")).Remove(Key("a"));

        AssertInvariantBroken(cache, $"Key {Key("a")} is in the recency list but its map entry is missing or different.");
    }

    [Fact]
    public void CheckInvariants_WhenTheMapPointsToAnotherNode_SaysSo()
    {
        var cache = CacheHoldingA();
        ((IDictionary)FieldOf(cache, "_map"))[Key("a")] = DetachedNode(ValueOf(FirstNode(cache)));

        AssertInvariantBroken(cache, $"Key {Key("a")} is in the recency list but its map entry is missing or different.");
    }

    [Fact]
    public void CheckInvariants_WhenAnEntryHasNoSize_SaysSo()
    {
        var cache = CacheHoldingA();
        var node = FirstNode(cache);
        SetValueOf(node, EntryWithSize(ValueOf(node), 0));

        AssertInvariantBroken(cache, $"Key {Key("a")} has size 0.");
    }

    [Fact]
    public void CheckInvariants_WhenTheMapHasAnEntryTheRecencyListLacks_SaysBothCounts()
    {
        var cache = CacheHoldingA();
        ((IDictionary)FieldOf(cache, "_map")).Add(Key("b"), DetachedNode(ValueOf(FirstNode(cache))));

        AssertInvariantBroken(cache, "The map has 2 entries but the recency list 1.");
    }

    [Fact]
    public void CheckInvariants_WhenTheTrackedSizeIsWrong_SaysBothSizes()
    {
        var cache = CacheHoldingA();
        var size = cache.Size;
        SetFieldOf(cache, "_size", size + 1);

        AssertInvariantBroken(cache, $"Σ entry sizes is {size} but the tracked size is {size + 1}.");
    }

    [Fact]
    public void CheckInvariants_WhenTheSizeExceedsTheBudget_SaysBoth()
    {
        var cache = CacheHoldingA(maxBytes: 10_000);
        var node = FirstNode(cache);
        SetValueOf(node, EntryWithSize(ValueOf(node), 10_001));
        SetFieldOf(cache, "_size", 10_001L);

        AssertInvariantBroken(cache, "The size 10001 exceeds the budget 10000.");
    }

    [Fact]
    public void CheckInvariants_WithADiskTier_ChecksItsIndexToo()
    {
        var cache = DiskCache();
        cache.Set(Key("a"), Page("a", "content"));
        var tracked = cache.DiskTier!.TrackedBytes;
        SetFieldOf(cache.DiskTier, "_total", tracked + 1);

        Assert.StartsWith($"Disk index: Σ sizes {tracked}, tracked {tracked + 1},",
            Assert.Throws<InvalidOperationException>(cache.CheckInvariants).Message, StringComparison.Ordinal);
    }
}
