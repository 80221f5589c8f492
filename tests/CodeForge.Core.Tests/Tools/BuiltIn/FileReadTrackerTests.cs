using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

public sealed class FileReadTrackerTests
{
    private static readonly DateTime Time = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Get_OfAPathNeverRecorded_IsNull()
    {
        Assert.Null(new FileReadTracker().Get("/a"));
    }

    [Fact]
    public void Record_ThenGet_ReturnsTheLatestSnapshot()
    {
        var tracker = new FileReadTracker();
        var first = FileSnapshot.Of("one"u8, Time);
        var second = FileSnapshot.Of("two"u8, Time.AddSeconds(1));

        tracker.Record("/a", first);
        tracker.Record("/a", second);

        Assert.Same(second, tracker.Get("/a"));
        Assert.Equal(1, tracker.Count);
    }

    [Fact]
    public void Snapshot_MatchesOnlyTheSameBytes()
    {
        var snapshot = FileSnapshot.Of("content"u8, Time);

        Assert.True(snapshot.Matches("content"u8));
        Assert.False(snapshot.Matches("Content"u8));
        Assert.False(snapshot.Matches("content!"u8));
        Assert.Equal(7, snapshot.Length);
        Assert.Matches("^[0-9a-f]{32}$", snapshot.ContentHash);
    }

    [Fact]
    public void Hash_OfContentFedInChunks_EqualsTheHashOfTheWholeContent()
    {
        // Read hashes a file chunk by chunk as it streams it; Edit and Write hash the whole file: the two must agree.
        var content = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 5000).Select(i => $"line {i}\n")));
        var chunked = new System.IO.Hashing.XxHash128();
        for (var at = 0; at < content.Length; at += 4096)
        {
            chunked.Append(content.AsSpan(at, Math.Min(4096, content.Length - at)));
        }

        Assert.Equal(FileSnapshot.Hash(content), FileSnapshot.Hash(chunked));
        Assert.NotEqual(FileSnapshot.Hash(content), FileSnapshot.Hash(content.AsSpan(1)));
    }

    [Fact]
    public void Forget_AndClear_DropRecords()
    {
        var tracker = new FileReadTracker();
        tracker.Record("/a", FileSnapshot.Of("a"u8, Time));
        tracker.Record("/b", FileSnapshot.Of("b"u8, Time));

        Assert.True(tracker.Forget("/a"));
        Assert.False(tracker.Forget("/a"));
        Assert.Equal(["/b"], tracker.ToImmutable().Keys);
        tracker.Clear();
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public void Keys_AreOrdinal()
    {
        var tracker = new FileReadTracker();
        tracker.Record("/A", FileSnapshot.Of("a"u8, Time));

        Assert.Null(tracker.Get("/a"));
    }

    [Fact]
    public void Record_WithBadArguments_Throws()
    {
        var tracker = new FileReadTracker();

        Assert.ThrowsAny<ArgumentException>(() => tracker.Record("", FileSnapshot.Of("a"u8, Time)));
        Assert.Throws<ArgumentNullException>(() => tracker.Record("/a", null!));
    }

    [Fact]
    public async Task Record_FromManyThreads_KeepsOneWholeSnapshotPerPath()
    {
        var tracker = new FileReadTracker();
        var snapshots = Enumerable.Range(0, 64).Select(i => FileSnapshot.Of([(byte)i], Time.AddTicks(i))).ToArray();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                tracker.Record($"/f{i % 4}", snapshots[(t * 7 + i) % snapshots.Length]);
                var seen = tracker.Get($"/f{(i + 1) % 4}");
                Assert.True(seen is null || snapshots.Contains(seen));
            }
        })).ToArray());

        Assert.Equal(4, tracker.Count);
    }
}
