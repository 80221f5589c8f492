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
}
