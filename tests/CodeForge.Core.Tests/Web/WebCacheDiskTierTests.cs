using System.Reflection;
using System.Text;
using CodeForge.Core.Web;

namespace CodeForge.Core.Tests.Web;

/// <summary>The disk tier on its own: atomic files, the budget index, reconciliation with other instances.</summary>
public sealed class WebCacheDiskTierTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "codeforge-webcache-tier-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string Key(string name) => WebCacheTests.Key(name);

    /// <summary>A whole entry document for <paramref name="name"/>, padded to exactly <paramref name="size"/> bytes.</summary>
    private static byte[] Entry(string name, int size = 500)
    {
        var document = new WebCacheEntryDocument(
            WebCacheEntryDocument.CurrentFormatVersion, Key(name), 0, WebCacheTests.Page(name, ""));
        var bare = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(document, WebCacheJsonContext.Relaxed.WebCacheEntryDocument);
        var padded = document with { Response = WebCacheTests.Page(name, new string('.', size - bare.Length)) };
        var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(padded, WebCacheJsonContext.Relaxed.WebCacheEntryDocument);
        Assert.Equal(size, bytes.Length);
        return bytes;
    }

    private string PathOf(string name) => Path.Combine(_directory, Key(name) + ".json");

    private List<string> EntryFiles() =>
        [.. Directory.GetFiles(_directory, "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    private static List<string> FilesOf(params string[] names) =>
        [.. names.Select(n => Key(n) + ".json").Order(StringComparer.Ordinal)];

    [Fact]
    public void TryRead_AfterWrite_ReturnsTheDocumentAndItsSize()
    {
        var tier = new WebCacheDiskTier(_directory, 10_000);
        tier.Write(Key("a"), Entry("a"));

        Assert.True(tier.TryRead(Key("a"), out var document, out var size));

        Assert.Equal(Key("a"), document.Key);
        Assert.Equal(500, size);
        Assert.Equal(500, tier.TrackedBytes);
    }

    [Fact]
    public void TryRead_WhenThereIsNoFile_ReturnsFalse()
    {
        Assert.False(new WebCacheDiskTier(_directory, 10_000).TryRead(Key("a"), out _, out _));
    }

    [Fact]
    public void Write_WhenTheFileIsLargerThanTheBudget_DeletesTheOlderFileInstead()
    {
        var tier = new WebCacheDiskTier(_directory, 1000);
        tier.Write(Key("a"), Entry("a"));

        tier.Write(Key("a"), Entry("a", 1500));

        Assert.False(File.Exists(PathOf("a")));
        Assert.Equal(0, tier.TrackedBytes);
    }

    [Fact]
    public void Write_WhenOverBudget_DeletesTheOldestFilesFirst()
    {
        var tier = new WebCacheDiskTier(_directory, 1600);
        foreach (var name in new[] { "a", "b", "c", "d", "e" })
        {
            tier.Write(Key(name), Entry(name));
        }

        Assert.Equal(FilesOf("c", "d", "e"), EntryFiles());
        Assert.Equal(1500, tier.TrackedBytes);
        tier.CheckInvariants();
    }

    [Fact]
    public void Constructor_WhenTheDirectoryIsOverBudget_DeletesTheOldestFilesByMtime()
    {
        var writer = new WebCacheDiskTier(_directory, 10_000);
        for (var i = 0; i < 5; i++)
        {
            writer.Write(Key($"p{i}"), Entry($"p{i}"));
            // p4 the oldest on disk, p0 the newest.
            File.SetLastWriteTimeUtc(PathOf($"p{i}"), new DateTime(2020, 1, 1, 0, 0, 10 - i, DateTimeKind.Utc));
        }

        var reopened = new WebCacheDiskTier(_directory, 1000);

        Assert.Equal(FilesOf("p0", "p1"), EntryFiles());
        Assert.Equal(1000, reopened.TrackedBytes);
    }

    [Fact]
    public void Write_WhenAnotherInstanceWroteToTheDirectory_CountsItsFilesAgainstTheBudget()
    {
        var first = new WebCacheDiskTier(_directory, 1500);
        var second = new WebCacheDiskTier(_directory, 1500);
        first.Write(Key("a0"), Entry("a0"));
        first.Write(Key("a1"), Entry("a1"));

        second.Write(Key("b0"), Entry("b0"));
        second.Write(Key("b1"), Entry("b1"));

        Assert.Equal(3, EntryFiles().Count);
        Assert.Contains(Key("b1") + ".json", EntryFiles());
        Assert.Equal(1500, second.TrackedBytes);
        second.CheckInvariants();
    }

    [Fact]
    public void Write_WhenAnotherInstanceDeletedFiles_ForgetsThem()
    {
        var first = new WebCacheDiskTier(_directory, 1500);
        first.Write(Key("a0"), Entry("a0"));
        first.Write(Key("a1"), Entry("a1"));
        new WebCacheDiskTier(_directory, 1500).Clear();

        first.Write(Key("a2"), Entry("a2"));

        Assert.Equal(500, first.TrackedBytes);
        Assert.Equal(FilesOf("a2"), EntryFiles());
    }

    [Fact]
    public void TryRead_WhenTheFileIsCorrupt_DeletesItAndForgetsIt()
    {
        var tier = new WebCacheDiskTier(_directory, 10_000);
        tier.Write(Key("a"), Entry("a"));
        File.WriteAllText(PathOf("a"), "{\"formatVersion\":1,", Encoding.UTF8);

        Assert.False(tier.TryRead(Key("a"), out _, out _));

        Assert.False(File.Exists(PathOf("a")));
        Assert.Equal(0, tier.TrackedBytes);
    }

    [Fact]
    public void TryRead_WhenTheFormatVersionIsUnknown_DeletesTheFile()
    {
        var tier = new WebCacheDiskTier(_directory, 10_000);
        tier.Write(Key("a"), Entry("a"));
        File.WriteAllText(PathOf("a"), File.ReadAllText(PathOf("a")).Replace("\"formatVersion\":1", "\"formatVersion\":2", StringComparison.Ordinal));

        Assert.False(tier.TryRead(Key("a"), out _, out _));
        Assert.False(File.Exists(PathOf("a")));
    }

    [Fact]
    public void Delete_ReturnsWhetherThereWasAFile()
    {
        var tier = new WebCacheDiskTier(_directory, 10_000);
        tier.Write(Key("a"), Entry("a"));

        Assert.True(tier.Delete(Key("a")));
        Assert.False(tier.Delete(Key("a")));
        Assert.Equal(0, tier.TrackedBytes);
    }

    [Fact]
    public void Write_OfExactlyTheBudget_KeepsTheFile()
    {
        var tier = new WebCacheDiskTier(_directory, 500);

        tier.Write(Key("a"), Entry("a"));

        Assert.Equal(FilesOf("a"), EntryFiles());
        Assert.Equal(500, tier.TrackedBytes);
        tier.CheckInvariants();
    }

    [Fact]
    public void Write_OfTheSameKeyAgain_CountsItsFileOnce()
    {
        var tier = new WebCacheDiskTier(_directory, 10_000);
        tier.Write(Key("a"), Entry("a"));

        tier.Write(Key("a"), Entry("a", 700));

        Assert.Equal(700, tier.TrackedBytes);
        Assert.True(tier.TryRead(Key("a"), out _, out var size));
        Assert.Equal(700, size);
        tier.CheckInvariants();
    }

    [Fact]
    public void Write_NeverCountsNorDeletesAnotherInstancesWriteInFlight()
    {
        Directory.CreateDirectory(_directory);
        var inFlight = Path.Combine(_directory, Key("b") + "." + Guid.NewGuid().ToString("N") + ".tmp");
        File.WriteAllBytes(inFlight, new byte[5000]);
        var tier = new WebCacheDiskTier(_directory, 1000);

        tier.Write(Key("a"), Entry("a"));
        tier.Write(Key("c"), Entry("c"));

        Assert.True(File.Exists(inFlight));
        Assert.Equal(1000, tier.TrackedBytes);
        Assert.Equal(FilesOf("a", "c"), EntryFiles());
    }

    [Fact]
    public void Clear_DeletesOnlyEntryAndTempFilesOfTheCachesOwnNaming()
    {
        var tier = new WebCacheDiskTier(_directory, 10_000);
        tier.Write(Key("a"), Entry("a"));
        var temp = Path.Combine(_directory, Key("b") + ".0123.tmp");
        var notTemp = Path.Combine(_directory, Key("b") + ".tmp");
        var notEntry = Path.Combine(_directory, Key("b") + ".jsonx");
        foreach (var path in new[] { temp, notTemp, notEntry })
        {
            File.WriteAllText(path, "x");
        }

        tier.Clear();

        Assert.Equal(new[] { notTemp, notEntry }.Order(StringComparer.Ordinal), Directory.GetFiles(_directory).Order(StringComparer.Ordinal));
        Assert.Equal(0, tier.TrackedBytes);
    }

    [Fact]
    public void Constructor_CreatesTheDirectoryAndIgnoresSubdirectories()
    {
        var nested = Path.Combine(_directory, "nested");
        var tier = new WebCacheDiskTier(nested, 10_000);
        Directory.CreateDirectory(Path.Combine(nested, Key("x") + ".json"));

        tier.Write(Key("a"), Entry("a"));

        Assert.Equal(500, new WebCacheDiskTier(nested, 10_000).TrackedBytes);
        Assert.Equal(500, tier.TrackedBytes);
    }

    [Fact]
    public void Constructor_WhenFilesHaveTheSameMtime_DeletesTheFirstNamesFirst()
    {
        var writer = new WebCacheDiskTier(_directory, 10_000);
        var names = new[] { "p0", "p1", "p2", "p3" };
        foreach (var name in names)
        {
            writer.Write(Key(name), Entry(name));
            File.SetLastWriteTimeUtc(PathOf(name), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        }

        var reopened = new WebCacheDiskTier(_directory, 1000);

        Assert.Equal(FilesOf(names).TakeLast(2), EntryFiles());
        Assert.Equal(1000, reopened.TrackedBytes);
    }

    [Fact]
    public void Write_WhenTheKeysPathIsADirectory_LeavesNoTempFileAndForgetsTheKey()
    {
        var tier = new WebCacheDiskTier(_directory, 10_000);
        tier.Write(Key("a"), Entry("a"));
        File.Delete(PathOf("a"));
        Directory.CreateDirectory(PathOf("a"));

        tier.Write(Key("a"), Entry("a", 700));

        Assert.Empty(Directory.GetFiles(_directory));
        Assert.True(Directory.Exists(PathOf("a")));
        Assert.Equal(0, tier.TrackedBytes);
        Assert.False(tier.TryRead(Key("a"), out _, out _));
        tier.CheckInvariants();
    }

    [Fact]
    public void WriteAndClear_WhenTheDirectoryIsGone_DoNotThrow()
    {
        var tier = new WebCacheDiskTier(_directory, 10_000);
        tier.Write(Key("a"), Entry("a"));
        Directory.Delete(_directory, recursive: true);

        tier.Write(Key("b"), Entry("b"));
        Assert.False(tier.TryRead(Key("a"), out _, out _));
        tier.Clear();

        Assert.Equal(0, tier.TrackedBytes);
        Assert.False(Directory.Exists(_directory));
        tier.CheckInvariants();
    }

    [Fact]
    public void Write_AfterClear_IndexesTheKeyAfresh()
    {
        var tier = new WebCacheDiskTier(_directory, 10_000);
        tier.Write(Key("a"), Entry("a"));
        tier.Write(Key("b"), Entry("b"));
        tier.Clear();
        tier.CheckInvariants();

        tier.Write(Key("a"), Entry("a", 600));

        Assert.Equal(600, tier.TrackedBytes);
        Assert.Equal(FilesOf("a"), EntryFiles());
        tier.CheckInvariants();
    }

    [Fact]
    public void Clear_LeavesNamesThatOnlyResembleTheCachesOwn()
    {
        var tier = new WebCacheDiskTier(_directory, 10_000);
        var key = Key("b");
        var own = new[] { key + ".json", key + ".x.tmp", key + "." + Guid.NewGuid().ToString("N") + ".tmp" };
        var foreign = new[]
        {
            key + "..tmp",              // nothing between the dots: not a temp name this tier writes
            key + "x.json",             // 65 characters before ".json"
            key[1..] + ".json",         // 63
            key.ToUpperInvariant() + ".json",
            key + ".json.tmp2",
            "short.json",
            "short.x.tmp",
        };
        foreach (var name in own.Concat(foreign))
        {
            File.WriteAllText(Path.Combine(_directory, name), "x");
        }

        tier.Clear();

        Assert.Equal(foreign.Order(StringComparer.Ordinal), Directory.GetFiles(_directory).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TryRead_OfAFileAnotherInstanceWrote_ReturnsIt()
    {
        var tier = new WebCacheDiskTier(_directory, 10_000);
        new WebCacheDiskTier(_directory, 10_000).Write(Key("a"), Entry("a"));

        Assert.True(tier.TryRead(Key("a"), out var document, out var size));

        Assert.Equal((Key("a"), 500), (document.Key, size));
    }

    // ---- CheckInvariants (the oracle of the concurrency tests) must say what broke ----

    private static T FieldOf<T>(WebCacheDiskTier tier, string name) =>
        (T)typeof(WebCacheDiskTier).GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(tier)!;

    private static void SetTotal(WebCacheDiskTier tier, long total) =>
        typeof(WebCacheDiskTier).GetField("_total", BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(tier, total);

    private static void AssertInvariantBroken(WebCacheDiskTier tier, string message) =>
        Assert.Equal(message, Assert.Throws<InvalidOperationException>(tier.CheckInvariants).Message);

    [Fact]
    public void CheckInvariants_WhenTheTrackedTotalIsWrong_SaysEveryNumber()
    {
        var tier = new WebCacheDiskTier(_directory, 10_000);
        tier.Write(Key("a"), Entry("a"));
        SetTotal(tier, 501);

        AssertInvariantBroken(tier, "Disk index: Σ sizes 500, tracked 501, budget 10000, 1 names, 1 in order.");
    }

    [Fact]
    public void CheckInvariants_WhenANameIsNotInTheOrder_SaysEveryNumber()
    {
        var tier = new WebCacheDiskTier(_directory, 10_000);
        tier.Write(Key("a"), Entry("a"));
        FieldOf<Dictionary<string, LinkedListNode<(string Name, long Size)>>>(tier, "_files").Add("x.json", new(("x.json", 0)));

        AssertInvariantBroken(tier, "Disk index: Σ sizes 500, tracked 500, budget 10000, 2 names, 1 in order.");
    }

    [Fact]
    public void CheckInvariants_WhenTheTotalExceedsTheBudget_SaysEveryNumber()
    {
        var tier = new WebCacheDiskTier(_directory, 1000);
        tier.Write(Key("a"), Entry("a"));
        var order = FieldOf<LinkedList<(string Name, long Size)>>(tier, "_order");
        order.First!.Value = (order.First.Value.Name, 1500);
        SetTotal(tier, 1500);

        AssertInvariantBroken(tier, "Disk index: Σ sizes 1500, tracked 1500, budget 1000, 1 names, 1 in order.");
    }

    [Fact]
    public async Task Clear_DeletesTheTempFileOfAWriteThatDiedBeforeItsRename()
    {
        var tier = new WebCacheDiskTier(_directory, 10_000);
        var renamed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new FileSystemWatcher(_directory);
        watcher.Renamed += (_, e) =>
        {
            if (e.Name == Key("a") + ".json")
            {
                renamed.TrySetResult(e.OldName!);
            }
        };
        watcher.EnableRaisingEvents = true;

        tier.Write(Key("a"), Entry("a"));
        var temp = await renamed.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        // What a process that died between writing its temp file and renaming it leaves behind.
        await File.WriteAllBytesAsync(Path.Combine(_directory, temp), Entry("a"), TestContext.Current.CancellationToken);

        tier.Clear();

        Assert.Empty(Directory.GetFiles(_directory));
    }

    private static bool Chattr(string flag, string path)
    {
        try
        {
            using var chattr = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("chattr", [flag, path])
            {
                RedirectStandardError = true,
            })!;
            chattr.StandardError.ReadToEnd();
            chattr.WaitForExit();
            return chattr.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no chattr
        }
    }

    [Fact]
    public void DeleteAndClear_WhenTheFileCannotBeDeleted_SayNothingWasDeletedWithoutThrowing()
    {
        var tier = new WebCacheDiskTier(_directory, 10_000);
        tier.Write(Key("a"), Entry("a"));
        // An immutable file: even root cannot delete it (needs CAP_LINUX_IMMUTABLE and a file system with the flag).
        if (!Chattr("+i", PathOf("a")))
        {
            Assert.Skip("chattr +i is not available here.");
        }
        try
        {
            Assert.False(tier.Delete(Key("a")));
            tier.Clear();

            Assert.True(File.Exists(PathOf("a")));
            Assert.Equal(0, tier.TrackedBytes);
        }
        finally
        {
            Assert.True(Chattr("-i", PathOf("a")));
        }
    }
}
