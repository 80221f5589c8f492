using CodeForge.Core.Sessions;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Sessions;

public sealed class SessionManagerTests : IDisposable
{
    private readonly TempRoot _root = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task OpenAsync_AfterAConversationWithParallelToolCalls_GivesBackExactlyThatConversation()
    {
        var manager = _root.Manager();
        var conversation = Conversations.WithParallelToolCalls();
        string id;
        await using (var session = await manager.CreateAsync(cancellationToken: Ct))
        {
            id = session.Id;
            await session.AppendMessageAsync(conversation[0], cancellationToken: Ct);
            await session.AppendMessageAsync(conversation[1], cancellationToken: Ct);
            await session.AppendMessageAsync(conversation[2], new UsageDetails { InputTokenCount = 120 }, Ct);
            // The tools finish in reverse order and record their results as they finish, concurrently.
            var results = conversation[3].Contents.Cast<FunctionResultContent>().Reverse().ToArray();
            await Task.WhenAll(results.Select(r => session.AppendToolResultAsync(r, Ct)).ToArray());
            await session.AppendMessageAsync(conversation[4], cancellationToken: Ct);
            await session.CommitTurnAsync(Ct);
        }

        await using var resumed = await _root.Manager().OpenAsync(id, Ct);

        Assert.Equal(Conversations.ToJson(conversation), Conversations.ToJson(resumed.Messages));
        Assert.Equal(120, resumed.Entries.Single(e => e.Usage is not null).Usage!.InputTokenCount);
    }

    [Fact]
    public async Task OpenAsync_WhenToolCallsWereRecordedOneByOne_JoinsThemToTheirAssistantMessage()
    {
        var manager = _root.Manager();
        await using var session = await manager.CreateAsync(cancellationToken: Ct);
        await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "go"), cancellationToken: Ct);
        await session.AppendMessageAsync(new ChatMessage(ChatRole.Assistant, "calling"), cancellationToken: Ct);
        await session.AppendToolCallAsync(Conversations.Call("c1", "Read", "x"), Ct);
        await session.AppendToolCallAsync(Conversations.Call("c2", "Glob", "*"), Ct);
        await session.AppendToolResultAsync(new FunctionResultContent("c2", "g"), Ct);
        await session.AppendToolResultAsync(new FunctionResultContent("c1", "r"), Ct);
        await session.DisposeAsync();

        var messages = (await manager.ReadTranscriptAsync(session.Id, Ct)).Messages;

        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool], messages.Select(m => m.Role));
        Assert.Equal(["c1", "c2"], messages[1].Contents.OfType<FunctionCallContent>().Select(c => c.CallId));
        Assert.Equal(["c1", "c2"], messages[2].Contents.OfType<FunctionResultContent>().Select(c => c.CallId));
    }

    [Fact]
    public async Task CreateAsync_WritesTheTranscriptUnderTheProjectFolderWithAStartEvent()
    {
        var manager = _root.Manager();

        await using var session = await manager.CreateAsync(cancellationToken: Ct);

        Assert.True(SessionPaths.IsValidSessionId(session.Id));
        Assert.Equal(Path.Combine(_root.Home, "projects", SessionPaths.ProjectKey(_root.Project), session.Id + ".jsonl"), session.TranscriptPath);
        var start = Assert.Single((await SessionReader.ReadAsync(session.TranscriptPath!, Ct)).Entries);
        Assert.Equal(SessionEntry.SessionStartSubtype, start.Subtype);
        Assert.Equal(_root.Project, start.Cwd);
        Assert.Equal(_root.Time.GetUtcNow(), start.Timestamp);
    }

    [Fact]
    public async Task CreateAsync_WithABufferingWriter_WritesTheStartEventBeforeReturning()
    {
        var manager = _root.Manager(writer: new SessionWriterOptions { FlushEachLine = false, BufferSize = 1 << 20 });

        await using var session = await manager.CreateAsync(cancellationToken: Ct);

        // Another process listing or reading the project sees the new session at once, not only after its first turn.
        var start = Assert.Single((await SessionReader.ReadAsync(session.TranscriptPath!, Ct)).Entries);
        Assert.Equal(SessionEntry.SessionStartSubtype, start.Subtype);
        Assert.Equal(new FileInfo(session.TranscriptPath!).Length, Assert.Single(manager.ListSessions()).FileLength);
    }

    [Fact]
    public async Task CreateAsync_ConcurrentCallsWithoutAnId_GiveDistinctSessions()
    {
        var manager = _root.Manager();

        var sessions = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => manager.CreateAsync(cancellationToken: Ct)).ToArray());

        Assert.Equal(8, sessions.Select(s => s.Id).Distinct().Count());
        foreach (var s in sessions)
        {
            await s.DisposeAsync();
        }
        Assert.Equal(8, manager.ListSessions().Count);
    }

    [Fact]
    public async Task CreateAsync_WithAGivenId_UsesItInLowerCase()
    {
        var id = "0F8FAD5B-D9CB-469F-A165-70867728950E";

        await using var session = await _root.Manager().CreateAsync(id, Ct);

        Assert.Equal(id.ToLowerInvariant(), session.Id);
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("../../etc/passwd")]
    [InlineData("")]
    [InlineData("0f8fad5bd9cb469fa16570867728950e")]
    public async Task CreateAsync_WithAnInvalidId_ThrowsNamingTheId(string id)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => _root.Manager().CreateAsync(id, Ct));

        Assert.Contains($"'{id}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("UUID", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_root.Home));
    }

    [Fact]
    public async Task CreateAsync_WithTheIdOfAnExistingSession_ThrowsAlreadyExists()
    {
        var manager = _root.Manager();
        var first = await manager.CreateAsync(cancellationToken: Ct);
        await first.AppendMessageAsync(new ChatMessage(ChatRole.User, "keep me"), cancellationToken: Ct);
        await first.DisposeAsync();

        var ex = await Assert.ThrowsAsync<SessionAlreadyExistsException>(() => manager.CreateAsync(first.Id, Ct));

        Assert.Equal(first.Id, ex.SessionId);
        Assert.Contains(first.Id, ex.Message, StringComparison.Ordinal);
        Assert.Equal(["keep me"], Conversations.Texts((await manager.ReadTranscriptAsync(first.Id, Ct)).Messages));
    }

    [Fact]
    public async Task OpenAsync_WhileTheSessionIsOpen_ThrowsLockedNamingSessionAndHolder()
    {
        var manager = _root.Manager();
        await using var session = await manager.CreateAsync(cancellationToken: Ct);

        var ex = await Assert.ThrowsAsync<SessionLockedException>(() => _root.Manager().OpenAsync(session.Id, Ct));

        Assert.Equal(session.Id, ex.SessionId);
        Assert.Equal(Environment.ProcessId, ex.HolderProcessId);
        Assert.Contains(session.Id, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"process {Environment.ProcessId}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_AfterTheWriterIsDisposed_Succeeds()
    {
        var manager = _root.Manager();
        var session = await manager.CreateAsync(cancellationToken: Ct);
        await session.DisposeAsync();

        await using var reopened = await manager.OpenAsync(session.Id, Ct);

        Assert.Equal(session.Id, reopened.Id);
    }

    [Fact]
    public async Task OpenAsync_WithAnUnknownId_ThrowsNotFound()
    {
        var id = Guid.NewGuid().ToString("D");

        var ex = await Assert.ThrowsAsync<SessionNotFoundException>(() => _root.Manager().OpenAsync(id, Ct));

        Assert.Equal(id, ex.SessionId);
        Assert.Contains(id, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_ThenAppend_ContinuesTheParentChainAfterTheLoadedEntries()
    {
        var manager = _root.Manager();
        var session = await manager.CreateAsync(cancellationToken: Ct);
        var first = await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "one"), cancellationToken: Ct);
        await session.DisposeAsync();

        await using var resumed = await manager.OpenAsync(session.Id, Ct);
        var second = await resumed.AppendMessageAsync(new ChatMessage(ChatRole.User, "two"), cancellationToken: Ct);

        Assert.Equal(first.Uuid, second.ParentUuid);
        Assert.Equal(["one", "two"], Conversations.Texts(resumed.Messages));
    }

    [Fact]
    public async Task ForkAsync_CopiesTheConversationUnderANewIdAndRecordsItsSource()
    {
        var manager = _root.Manager();
        var source = await manager.CreateAsync(cancellationToken: Ct);
        foreach (var m in Conversations.WithParallelToolCalls())
        {
            await source.AppendMessageAsync(m, cancellationToken: Ct);
        }

        // The source may still be open (another forge is in it): a fork only reads it.
        await using var fork = await manager.ForkAsync(source.Id, cancellationToken: Ct);
        await fork.AppendMessageAsync(new ChatMessage(ChatRole.User, "only in the fork"), cancellationToken: Ct);
        await fork.CommitTurnAsync(Ct);
        await source.DisposeAsync();

        Assert.NotEqual(source.Id, fork.Id);
        Assert.Equal(source.Id, fork.ForkedFrom);
        var forkTranscript = (await manager.ReadTranscriptAsync(fork.Id, Ct));
        Assert.All(forkTranscript.Entries, e => Assert.Equal(fork.Id, e.SessionId));
        Assert.Equal(
            Conversations.ToJson(Conversations.WithParallelToolCalls().Append(new ChatMessage(ChatRole.User, "only in the fork"))),
            Conversations.ToJson(forkTranscript.Messages));
        Assert.Equal(Conversations.ToJson(Conversations.WithParallelToolCalls()), Conversations.ToJson((await manager.ReadTranscriptAsync(source.Id, Ct)).Messages));
        Assert.Equal(source.Id, manager.ListSessions().Single(s => s.SessionId == fork.Id).ForkedFrom);
    }

    [Fact]
    public async Task ForkAsync_KeepsTheParentChainLinked()
    {
        var manager = _root.Manager();
        await using var source = await manager.CreateAsync(cancellationToken: Ct);
        await source.AppendMessageAsync(new ChatMessage(ChatRole.User, "a"), cancellationToken: Ct);
        await source.AppendMessageAsync(new ChatMessage(ChatRole.Assistant, "b"), cancellationToken: Ct);

        await using var fork = await manager.ForkAsync(source.Id, cancellationToken: Ct);

        var entries = fork.Entries;
        Assert.Null(entries[0].ParentUuid);
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.Equal(entries[i - 1].Uuid, entries[i].ParentUuid);
        }
    }

    [Fact]
    public async Task ForkAsync_WithTheSourceIdAsTheNewId_Throws()
    {
        var manager = _root.Manager();
        await using var source = await manager.CreateAsync(cancellationToken: Ct);

        await Assert.ThrowsAsync<ArgumentException>(() => manager.ForkAsync(source.Id, source.Id, Ct));
    }

    [Fact]
    public async Task ListSessions_ReturnsNewestFirstWithTitleAndCounts()
    {
        var manager = _root.Manager();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            await using var s = await manager.CreateAsync(cancellationToken: Ct);
            await s.AppendMessageAsync(new ChatMessage(ChatRole.User, $"prompt {i}\nsecond line"), cancellationToken: Ct);
            for (var j = 0; j < i; j++)
            {
                await s.AppendMessageAsync(new ChatMessage(ChatRole.Assistant, "ok"), cancellationToken: Ct);
            }
            ids.Add(s.Id);
            _root.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var list = manager.ListSessions();

        Assert.Equal(ids.AsEnumerable().Reverse(), list.Select(s => s.SessionId));
        Assert.Equal(["prompt 2 second line", "prompt 1 second line", "prompt 0 second line"], list.Select(s => s.Title));
        Assert.Equal([3, 2, 1], list.Select(s => s.MessageCount));
        Assert.Equal(ids[^1], manager.GetLatest()!.SessionId);
    }

    [Fact]
    public async Task OpenLatestAsync_ResumesTheMostRecentlyUpdatedSession()
    {
        var manager = _root.Manager();
        var older = await manager.CreateAsync(cancellationToken: Ct);
        _root.Time.Advance(TimeSpan.FromMinutes(1));
        var newer = await manager.CreateAsync(cancellationToken: Ct);
        await newer.DisposeAsync();
        _root.Time.Advance(TimeSpan.FromMinutes(1));
        // The older session is used again later: it becomes the latest.
        await older.AppendMessageAsync(new ChatMessage(ChatRole.User, "later"), cancellationToken: Ct);
        await older.DisposeAsync();

        await using var latest = await manager.OpenLatestAsync(Ct);

        Assert.Equal(older.Id, latest!.Id);
    }

    [Fact]
    public async Task OpenLatestAsync_WhenTheProjectHasNoSession_ReturnsNull()
    {
        Assert.Null(await _root.Manager().OpenLatestAsync(Ct));
        Assert.Null(_root.Manager().GetLatest());
    }

    [Fact]
    public async Task ListSessions_WhenTheIndexIsMissing_RebuildsItFromTheTranscripts()
    {
        var manager = _root.Manager();
        await using (var s = await manager.CreateAsync(cancellationToken: Ct))
        {
            await s.AppendMessageAsync(new ChatMessage(ChatRole.User, "hello"), cancellationToken: Ct);
        }
        var indexPath = Path.Combine(manager.ProjectDirectory, SessionPaths.IndexFileName);
        File.Delete(indexPath);

        var list = manager.ListSessions();

        Assert.Equal("hello", Assert.Single(list).Title);
        Assert.True(File.Exists(indexPath));
    }

    [Fact]
    public async Task ListSessions_WhenATranscriptGrewAfterItsLastCommit_ReportsItsRealCount()
    {
        var manager = _root.Manager();
        var s = await manager.CreateAsync(cancellationToken: Ct);
        await s.AppendMessageAsync(new ChatMessage(ChatRole.User, "one"), cancellationToken: Ct);
        await s.CommitTurnAsync(Ct);
        // Appended but never committed (the process died): the index still says one message.
        await s.AppendMessageAsync(new ChatMessage(ChatRole.Assistant, "two"), cancellationToken: Ct);

        Assert.Equal(2, Assert.Single(manager.ListSessions()).MessageCount);
        await s.DisposeAsync();
    }

    [Fact]
    public async Task NoPersistence_CreateAppendForkAndList_WriteNothing()
    {
        var manager = _root.Manager(persist: false);

        await using var session = await manager.CreateAsync(cancellationToken: Ct);
        await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "secret"), cancellationToken: Ct);
        await session.CommitTurnAsync(Ct);

        Assert.False(session.IsPersistent);
        Assert.Null(session.TranscriptPath);
        Assert.Equal(["secret"], Conversations.Texts(session.Messages));
        Assert.Empty(manager.ListSessions());
        Assert.False(Directory.Exists(_root.Home));
    }

    [Fact]
    public async Task NoPersistence_OpenOfASavedSession_LoadsItAndLeavesTheFileUntouched()
    {
        string id;
        await using (var saved = await _root.Manager().CreateAsync(cancellationToken: Ct))
        {
            id = saved.Id;
            await saved.AppendMessageAsync(new ChatMessage(ChatRole.User, "saved"), cancellationToken: Ct);
        }
        var manager = _root.Manager(persist: false);
        var before = await File.ReadAllBytesAsync(manager.GetTranscriptPath(id), Ct);

        await using (var session = await manager.OpenAsync(id, Ct))
        {
            await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "not saved"), cancellationToken: Ct);
            Assert.Equal(["saved", "not saved"], Conversations.Texts(session.Messages));
        }
        await using var fork = await manager.ForkAsync(id, cancellationToken: Ct);

        Assert.Equal(before, await File.ReadAllBytesAsync(manager.GetTranscriptPath(id), Ct));
        Assert.Single(Directory.GetFiles(manager.ProjectDirectory, "*.jsonl"));
        Assert.Equal(["saved"], Conversations.Texts(fork.Messages));
    }

    [Fact]
    public async Task OpenAsync_WhenCancelledWhileLoading_LeavesTheSessionUnlocked()
    {
        var manager = _root.Manager();
        string id;
        await using (var s = await manager.CreateAsync(cancellationToken: Ct))
        {
            id = s.Id;
        }
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => manager.OpenAsync(id, cancelled.Token));

        await using var reopened = await manager.OpenAsync(id, Ct);
        Assert.Equal(id, reopened.Id);
    }

    [Fact]
    public async Task CreateAsync_WhenCancelledWhileWritingTheStart_LeavesNoTranscriptAndFreesTheId()
    {
        var manager = _root.Manager();
        var id = Guid.NewGuid().ToString("D");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => manager.CreateAsync(id, cancelled.Token));

        Assert.False(manager.Exists(id));
        await using var created = await manager.CreateAsync(id, Ct);
        Assert.Equal(id, created.Id);
    }
}
