using System.Text.Json;
using CodeForge.Core.Sessions;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Sessions;

public sealed class SessionIndexTests : IDisposable
{
    private readonly TempRoot _root = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    private static SessionSummary Summary(string id, long length, string title) =>
        new(id, title, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 1, length);

    [Fact]
    public void List_WhenTheProjectFolderDoesNotExist_IsEmptyAndCreatesNothing()
    {
        var index = new SessionIndex(Path.Combine(_root.Path, "none"));

        Assert.Empty(index.List());
        Assert.False(Directory.Exists(index.ProjectDirectory));
    }

    [Fact]
    public async Task Upsert_NeverReplacesASummaryTakenFromALongerTranscript()
    {
        var manager = _root.Manager();
        await using var session = await manager.CreateAsync(cancellationToken: Ct);
        var index = new SessionIndex(manager.ProjectDirectory);
        var length = new FileInfo(session.TranscriptPath!).Length;

        index.Upsert(Summary(session.Id, length, "newer"));
        index.Upsert(Summary(session.Id, length - 1, "older"));

        Assert.Equal("newer", Assert.Single(index.List()).Title);
    }

    [Fact]
    public async Task Upsert_WhenTheIndexLockStaysTaken_ReturnsFalseAndLeavesTheIndexAsItWas()
    {
        var manager = _root.Manager();
        await using var session = await manager.CreateAsync(cancellationToken: Ct);
        var index = new SessionIndex(manager.ProjectDirectory) { LockTimeout = TimeSpan.Zero };
        var length = new FileInfo(session.TranscriptPath!).Length;
        var before = await File.ReadAllTextAsync(index.IndexPath, Ct);

        bool written;
        using (FileLock.TryAcquire(SessionPaths.IndexLockPath(manager.ProjectDirectory)) ?? throw new InvalidOperationException("lock not free"))
        {
            written = index.Upsert(Summary(session.Id, length, "while locked"));
        }

        Assert.False(written);
        Assert.Equal(before, await File.ReadAllTextAsync(index.IndexPath, Ct));
        Assert.True(index.Upsert(Summary(session.Id, length, "once free")));
        Assert.Equal("once free", Assert.Single(index.List()).Title);
    }

    [Fact]
    public async Task List_WhenARepairIsDueButTheIndexLockStaysTaken_ListsTheRepairWithoutWritingIt()
    {
        var manager = _root.Manager();
        await using var session = await manager.CreateAsync(cancellationToken: Ct);
        var index = new SessionIndex(manager.ProjectDirectory) { LockTimeout = TimeSpan.Zero };
        File.Delete(index.IndexPath);

        IReadOnlyList<SessionSummary> listed;
        using (FileLock.TryAcquire(SessionPaths.IndexLockPath(manager.ProjectDirectory)) ?? throw new InvalidOperationException("lock not free"))
        {
            listed = index.List();
        }

        Assert.Equal(session.Id, Assert.Single(listed).SessionId);
        Assert.False(File.Exists(index.IndexPath));
        Assert.Equal(session.Id, Assert.Single(index.List()).SessionId);
        Assert.True(File.Exists(index.IndexPath));
    }

    [Fact]
    public async Task Upsert_DeletesTemporaryIndexFilesLeftByAProcessThatDied()
    {
        var manager = _root.Manager();
        await using var session = await manager.CreateAsync(cancellationToken: Ct);
        var index = new SessionIndex(manager.ProjectDirectory);
        var stray = Path.Combine(manager.ProjectDirectory, $".{SessionPaths.IndexFileName}.4242.{Guid.NewGuid():N}.tmp");
        await File.WriteAllTextAsync(stray, "{\"version\":1,\"sess", Ct);
        var transcript = Path.Combine(manager.ProjectDirectory, session.Id + SessionPaths.TranscriptExtension);

        index.Upsert(Summary(session.Id, new FileInfo(session.TranscriptPath!).Length, "title"));

        Assert.False(File.Exists(stray));
        Assert.True(File.Exists(transcript));
        Assert.Equal("title", Assert.Single(index.List()).Title);
    }

    [Fact]
    public async Task List_DropsSessionsWhoseTranscriptIsGone()
    {
        var manager = _root.Manager();
        var session = await manager.CreateAsync(cancellationToken: Ct);
        await session.DisposeAsync();
        File.Delete(session.TranscriptPath!);

        Assert.Empty(new SessionIndex(manager.ProjectDirectory).List());
        Assert.DoesNotContain(session.Id, await File.ReadAllTextAsync(Path.Combine(manager.ProjectDirectory, SessionPaths.IndexFileName), Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WhenTheIndexIsCorrupt_RebuildsIt()
    {
        var manager = _root.Manager();
        await using (var s = await manager.CreateAsync(cancellationToken: Ct))
        {
            await s.AppendMessageAsync(new ChatMessage(ChatRole.User, "survives"), cancellationToken: Ct);
        }
        var indexPath = Path.Combine(manager.ProjectDirectory, SessionPaths.IndexFileName);
        await File.WriteAllTextAsync(indexPath, "{\"version\":1,\"sessions\":[", Ct);

        var index = new SessionIndex(manager.ProjectDirectory);

        Assert.Equal("survives", Assert.Single(index.List()).Title);
        Assert.Equal("survives", Assert.Single(index.List(writeRepairs: false)).Title);
    }

    [Fact]
    public async Task List_WithoutWritingRepairs_LeavesAStaleIndexAlone()
    {
        var manager = _root.Manager();
        await using (await manager.CreateAsync(cancellationToken: Ct))
        {
        }
        var indexPath = Path.Combine(manager.ProjectDirectory, SessionPaths.IndexFileName);
        File.Delete(indexPath);

        Assert.Single(new SessionIndex(manager.ProjectDirectory).List(writeRepairs: false));
        Assert.False(File.Exists(indexPath));
    }

    [Fact]
    public async Task List_IgnoresFilesThatAreNotSessionTranscripts()
    {
        var manager = _root.Manager();
        await using (await manager.CreateAsync(cancellationToken: Ct))
        {
        }
        await File.WriteAllTextAsync(Path.Combine(manager.ProjectDirectory, "notes.jsonl"), "{}\n", Ct);

        Assert.Single(new SessionIndex(manager.ProjectDirectory).List());
    }

    [Fact]
    public async Task Rebuild_RecomputesEverySummaryFromTheTranscripts()
    {
        var manager = _root.Manager();
        string id;
        await using (var s = await manager.CreateAsync(cancellationToken: Ct))
        {
            id = s.Id;
            await s.AppendMessageAsync(new ChatMessage(ChatRole.User, "real title"), cancellationToken: Ct);
        }
        var index = new SessionIndex(manager.ProjectDirectory);
        var length = new FileInfo(manager.GetTranscriptPath(id)).Length;
        index.Upsert(Summary(id, length, "wrong title"));
        Assert.Equal("wrong title", Assert.Single(index.List()).Title);

        Assert.Equal("real title", Assert.Single(index.Rebuild()).Title);
        Assert.Equal("real title", Assert.Single(index.List()).Title);
    }

    private static string IndexPathOf(SessionManager manager) => Path.Combine(manager.ProjectDirectory, SessionPaths.IndexFileName);

    private static IReadOnlyList<SessionSummary> IndexFile(SessionManager manager) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(IndexPathOf(manager)), SessionJsonContext.Default.SessionIndexFile)!.Sessions;

    [Fact]
    public async Task List_WhileAnotherProcessIsReadingTheIndex_StillReadsIt()
    {
        var manager = _root.Manager();
        await using (var s = await manager.CreateAsync(cancellationToken: Ct))
        {
            await s.AppendMessageAsync(new ChatMessage(ChatRole.User, "listed"), cancellationToken: Ct);
        }
        // Another forge listing at the same moment holds the index open for reading, as List itself does.
        using var otherReader = new FileStream(IndexPathOf(manager), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        Assert.Equal("listed", Assert.Single(new SessionIndex(manager.ProjectDirectory).List()).Title);
    }

    [Fact]
    public async Task Upsert_WritesAnIndexReadableOnlyByItsOwner()
    {
        var manager = _root.Manager();
        await using var session = await manager.CreateAsync(cancellationToken: Ct);

        new SessionIndex(manager.ProjectDirectory).Upsert(session.GetSummary());

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(IndexPathOf(manager)));
        }
    }

    [Fact]
    public async Task List_WhenTheIndexIsCurrent_DoesNotRewriteIt()
    {
        var manager = _root.Manager();
        await using (await manager.CreateAsync(cancellationToken: Ct))
        {
        }
        // A field this version does not know: a rewrite of the index would drop it.
        var path = IndexPathOf(manager);
        var marked = (await File.ReadAllTextAsync(path, Ct)).Replace("{\"version\":1,", "{\"version\":1,\"writtenBy\":\"another forge\",", StringComparison.Ordinal);
        Assert.Contains("writtenBy", marked, StringComparison.Ordinal);
        await File.WriteAllTextAsync(path, marked, Ct);

        Assert.Single(new SessionIndex(manager.ProjectDirectory).List());

        Assert.Equal(marked, await File.ReadAllTextAsync(path, Ct));
    }

    [Fact]
    public async Task List_WhenATranscriptGrewSinceItsSummary_WritesTheRepairedSummaryBack()
    {
        var manager = _root.Manager();
        string id;
        await using (var s = await manager.CreateAsync(cancellationToken: Ct))
        {
            id = s.Id;
        }
        // Another process appended (and crashed before updating the index).
        var line = SessionJson.ToLine(new SessionEntry(SessionEntryType.User, Guid.NewGuid().ToString("D"), null, id, _root.Time.GetUtcNow())
        {
            Message = new ChatMessage(ChatRole.User, "appended elsewhere"),
        });
        await using (var stream = new FileStream(manager.GetTranscriptPath(id), FileMode.Append))
        {
            await stream.WriteAsync(line, Ct);
        }

        Assert.Equal("appended elsewhere", Assert.Single(new SessionIndex(manager.ProjectDirectory).List()).Title);

        var written = Assert.Single(IndexFile(manager));
        Assert.Equal(("appended elsewhere", 1), (written.Title, written.MessageCount));
        Assert.Equal(new FileInfo(manager.GetTranscriptPath(id)).Length, written.FileLength);
    }

    [Fact]
    public async Task List_WhenTheIndexIsCorruptAndNoTranscriptIsLeft_RewritesItEmpty()
    {
        var manager = _root.Manager();
        var session = await manager.CreateAsync(cancellationToken: Ct);
        await session.DisposeAsync();
        File.Delete(session.TranscriptPath!);
        await File.WriteAllTextAsync(IndexPathOf(manager), "{\"version\":1,\"sess", Ct);

        Assert.Empty(new SessionIndex(manager.ProjectDirectory).List());

        Assert.Empty(IndexFile(manager));
    }

    [Fact]
    public async Task List_WhenTheIndexHoldsNullOrForeignEntries_IgnoresThem()
    {
        var manager = _root.Manager();
        await using (var s = await manager.CreateAsync(cancellationToken: Ct))
        {
            await s.AppendMessageAsync(new ChatMessage(ChatRole.User, "real"), cancellationToken: Ct);
        }
        var path = IndexPathOf(manager);
        var text = await File.ReadAllTextAsync(path, Ct);
        await File.WriteAllTextAsync(path, text.Replace("\"sessions\":[", "\"sessions\":[null,{\"sessionId\":\"../../etc\",\"fileLength\":1},", StringComparison.Ordinal), Ct);

        var listed = new SessionIndex(manager.ProjectDirectory).List();

        Assert.Equal("real", Assert.Single(listed).Title);
    }

    [Fact]
    public async Task List_OfATranscriptWithNoReadableEntry_TakesItsTimesFromTheClock()
    {
        var manager = _root.Manager();
        string id;
        await using (var s = await manager.CreateAsync(cancellationToken: Ct))
        {
            id = s.Id;
        }
        await File.WriteAllTextAsync(manager.GetTranscriptPath(id), "not json\n", Ct);
        _root.Time.Advance(TimeSpan.FromHours(1));

        var summary = Assert.Single(new SessionIndex(manager.ProjectDirectory, _root.Time).List());

        Assert.Equal((id, 0), (summary.SessionId, summary.MessageCount));
        Assert.Equal(_root.Time.GetUtcNow(), summary.Created);
        Assert.Equal(_root.Time.GetUtcNow(), summary.Updated);
    }

    [Fact]
    public async Task List_OrdersByLastUpdateThenByCreationNewestFirstThenById()
    {
        var manager = _root.Manager();
        string[] ids = ["00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b",
            "00000000-0000-4000-8000-00000000000c", "00000000-0000-4000-8000-00000000000d"];
        foreach (var id in ids)
        {
            await using var session = await manager.CreateAsync(id, Ct);
        }
        var index = new SessionIndex(manager.ProjectDirectory);
        var t = DateTimeOffset.UnixEpoch.AddDays(1);
        void Times(string id, DateTimeOffset created, DateTimeOffset updated) =>
            Assert.True(index.Upsert(new SessionSummary(id, null, created, updated, 0, new FileInfo(manager.GetTranscriptPath(id)).Length)));
        Times(ids[0], t.AddHours(-2), t);
        Times(ids[1], t.AddHours(-1), t);
        Times(ids[2], t.AddHours(-1), t);
        Times(ids[3], t.AddHours(-3), t.AddHours(1));

        Assert.Equal([ids[3], ids[1], ids[2], ids[0]], index.List().Select(s => s.SessionId));
    }

    [Fact]
    public void Upsert_OfNull_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => new SessionIndex(_root.Path).Upsert(null!));
        Assert.Throws<ArgumentException>(() => new SessionIndex(" "));
    }

    [Fact]
    public async Task Rebuild_WhenTheNewIndexCannotReplaceTheOldOne_ThrowsAndLeavesNoTemporaryFile()
    {
        var manager = _root.Manager();
        await using (await manager.CreateAsync(cancellationToken: Ct))
        {
        }
        var indexPath = Path.Combine(manager.ProjectDirectory, SessionPaths.IndexFileName);
        // Read while the index is rebuilt, after the old index was read and before the new one is written: the clock
        // puts a folder where the index goes, so the rename of the new index fails.
        var clock = new ClockThatActsOnce(() =>
        {
            File.Delete(indexPath);
            Directory.CreateDirectory(indexPath);
        });
        var index = new SessionIndex(manager.ProjectDirectory, clock);

        var failure = Record.Exception(() => index.Rebuild());

        Assert.True(failure is IOException or UnauthorizedAccessException, failure?.ToString());

        Assert.True(clock.Acted);
        Assert.Empty(Directory.GetFiles(manager.ProjectDirectory, "." + SessionPaths.IndexFileName + ".*.tmp"));
    }

    private sealed class ClockThatActsOnce(Action act) : TimeProvider
    {
        public bool Acted { get; private set; }

        public override DateTimeOffset GetUtcNow()
        {
            if (!Acted)
            {
                Acted = true;
                act();
            }
            return base.GetUtcNow();
        }
    }
}
