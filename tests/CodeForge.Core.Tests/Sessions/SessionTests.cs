using System.Text.Json;
using CodeForge.Core.Sessions;
using CodeForge.Testing;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Sessions;

public sealed class SessionTests : IDisposable
{
    private readonly TempRoot _root = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task AppendMessageAsync_ChainsParentsAndStampsTimeFromTheTimeProvider()
    {
        await using var session = await _root.Manager().CreateAsync(cancellationToken: Ct);
        var start = session.Entries[0];
        _root.Time.Advance(TimeSpan.FromSeconds(5));

        var a = await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "a"), cancellationToken: Ct);
        _root.Time.Advance(TimeSpan.FromSeconds(5));
        var b = await session.AppendMessageAsync(new ChatMessage(ChatRole.Assistant, "b"), cancellationToken: Ct);

        Assert.Equal(start.Uuid, a.ParentUuid);
        Assert.Equal(a.Uuid, b.ParentUuid);
        Assert.Equal(start.Timestamp.AddSeconds(5), a.Timestamp);
        Assert.Equal(start.Timestamp.AddSeconds(10), b.Timestamp);
        Assert.Equal([SessionEntryType.Event, SessionEntryType.User, SessionEntryType.Assistant], session.Entries.Select(e => e.Type));
        Assert.All(session.Entries, e => Assert.Equal(session.Id, e.SessionId));
    }

    [Fact]
    public async Task AppendMessageAsync_RecordsToolMessagesAsToolResults()
    {
        await using var session = await _root.Manager().CreateAsync(cancellationToken: Ct);

        var entry = await session.AppendMessageAsync(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c", "r")]), cancellationToken: Ct);

        Assert.Equal(SessionEntryType.ToolResult, entry.Type);
    }

    [Fact]
    public async Task AppendMessageAsync_WithAnUnsupportedRole_ThrowsNamingTheRole()
    {
        await using var session = await _root.Manager().CreateAsync(cancellationToken: Ct);

        var ex = await Assert.ThrowsAsync<ArgumentException>(
            () => session.AppendMessageAsync(new ChatMessage(new ChatRole("critic"), "x"), cancellationToken: Ct));

        Assert.Contains("'critic'", ex.Message, StringComparison.Ordinal);
        Assert.Single(session.Entries);
    }

    [Fact]
    public async Task AppendMessageAsync_CopiesTheMessage_SoLaterChangesAreNotRecorded()
    {
        await using var session = await _root.Manager().CreateAsync(cancellationToken: Ct);
        var message = new ChatMessage(ChatRole.User, "original");

        await session.AppendMessageAsync(message, cancellationToken: Ct);
        message.Contents.Add(new TextContent(" and more"));

        Assert.Equal("original", session.Messages.Single().Text);
        Assert.Equal("original", (await SessionReader.ReadAsync(session.TranscriptPath!, Ct)).Messages.Single().Text);
    }

    [Theory]
    [InlineData(SessionEntry.SessionStartSubtype)]
    [InlineData(SessionEntry.CompactBoundarySubtype)]
    public async Task AppendEventAsync_WithAReservedSubtype_Throws(string subtype)
    {
        await using var session = await _root.Manager().CreateAsync(cancellationToken: Ct);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => session.AppendEventAsync(subtype, cancellationToken: Ct));

        Assert.Contains(subtype, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendEventAsync_IsRecordedButIsNotPartOfTheConversation()
    {
        await using var session = await _root.Manager().CreateAsync(cancellationToken: Ct);
        await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "q"), cancellationToken: Ct);

        await session.AppendEventAsync("hook", JsonSerializer.SerializeToElement(42), Ct);

        var read = (await SessionReader.ReadAsync(session.TranscriptPath!, Ct));
        Assert.Equal(42, read.Entries[^1].Data!.Value.GetInt32());
        Assert.Equal(["q"], Conversations.Texts(read.Messages));
    }

    [Fact]
    public async Task AppendCompactBoundaryAsync_MakesTheEffectiveConversationTheSummaryPlusKeptMessages()
    {
        await using var session = await _root.Manager().CreateAsync(cancellationToken: Ct);
        await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "old question"), cancellationToken: Ct);
        await session.AppendMessageAsync(new ChatMessage(ChatRole.Assistant, "old answer"), cancellationToken: Ct);
        var kept = await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "recent question"), cancellationToken: Ct);
        await session.AppendMessageAsync(new ChatMessage(ChatRole.Assistant, "recent answer"), cancellationToken: Ct);

        await session.AppendCompactBoundaryAsync("Summary of the old part.", kept.Uuid, Ct);
        await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "new question"), cancellationToken: Ct);

        string[] effective = ["Summary of the old part.", "recent question", "recent answer", "new question"];
        Assert.Equal(effective, Conversations.Texts(session.EffectiveMessages));
        Assert.Equal(ChatRole.User, session.EffectiveMessages[0].Role);
        Assert.Equal(5, session.Messages.Count);
        var read = (await SessionReader.ReadAsync(session.TranscriptPath!, Ct));
        Assert.Equal(effective, Conversations.Texts(read.EffectiveMessages));
        Assert.Equal(5, read.Messages.Count);
    }

    [Fact]
    public async Task AppendCompactBoundaryAsync_KeepingFromAnUnknownEntry_Throws()
    {
        await using var session = await _root.Manager().CreateAsync(cancellationToken: Ct);
        var missing = Guid.NewGuid().ToString("D");

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => session.AppendCompactBoundaryAsync("s", missing, Ct));

        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
        Assert.Single(session.Entries);
    }

    [Fact]
    public async Task AppendAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var session = await _root.Manager().CreateAsync(cancellationToken: Ct);
        await session.DisposeAsync();
        await session.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => session.AppendMessageAsync(new ChatMessage(ChatRole.User, "late"), cancellationToken: Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => session.CommitTurnAsync(Ct));
    }

    [Fact]
    public async Task AppendAsync_WhileADisposeWaitsForItsWriter_ThrowsObjectDisposedEvenWithACancelledToken()
    {
        var path = Path.Combine(_root.Path, "held.jsonl");
        var id = Guid.NewGuid().ToString("D");
        var writer = SessionWriter.Create(path, id);
        var session = new Session(id, _root.Project, writer, null, [], _root.Time);
        var held = AppendHeldInItsWrite.Start(
            writer, new SessionEntry(SessionEntryType.Event, Guid.NewGuid().ToString("D"), null, id, _root.Time.GetUtcNow()) { Subtype = "hook" }, _root.Path);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        // The dispose takes the session's lock, marks it disposed and waits for the writer's lock, which the held write has.
        var disposing = session.DisposeAsync().AsTask();
        var late = session.AppendEventAsync("hook", cancellationToken: cancelled.Token);
        held.Release();

        await held.Appended;
        await disposing;
        await Assert.ThrowsAsync<ObjectDisposedException>(() => late);
    }

    [Fact]
    public async Task AppendAsync_AfterDispose_ThrowsObjectDisposedEvenWithACancelledToken()
    {
        var session = await _root.Manager().CreateAsync(cancellationToken: Ct);
        await session.DisposeAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        // Disposal is what the caller must learn: it is reported before a cancellation that came too.
        await Assert.ThrowsAsync<ObjectDisposedException>(
            () => session.AppendEventAsync("hook", cancellationToken: cancelled.Token));
        await Assert.ThrowsAsync<ObjectDisposedException>(
            () => session.AppendMessageAsync(new ChatMessage(ChatRole.User, "late"), cancellationToken: cancelled.Token));
    }

    [Fact]
    public async Task AppendAsync_ConcurrentAppends_AreAllRecordedInOneChainInFileAndMemoryAlike()
    {
        await using var session = await _root.Manager().CreateAsync(cancellationToken: Ct);

        await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(i => Task.Run(() => session.AppendToolResultAsync(new FunctionResultContent($"c{i}", i), Ct), Ct))
            .ToArray());
        await session.CommitTurnAsync(Ct);

        var inMemory = session.Entries;
        var onDisk = (await SessionReader.ReadAsync(session.TranscriptPath!, Ct));
        Assert.Equal(51, inMemory.Count);
        Assert.Equal(inMemory.Select(e => e.Uuid), onDisk.Entries.Select(e => e.Uuid));
        for (var i = 1; i < inMemory.Count; i++)
        {
            Assert.Equal(inMemory[i - 1].Uuid, inMemory[i].ParentUuid);
        }
        Assert.Empty(onDisk.Errors);
        Assert.Null(onDisk.TornTail);
    }

    [Fact]
    public async Task CommitTurnAsync_UpdatesTheProjectIndex()
    {
        var manager = _root.Manager();
        await using var session = await manager.CreateAsync(cancellationToken: Ct);
        await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "first prompt"), cancellationToken: Ct);
        _root.Time.Advance(TimeSpan.FromMinutes(3));
        await session.AppendMessageAsync(new ChatMessage(ChatRole.Assistant, "reply"), cancellationToken: Ct);

        await session.CommitTurnAsync(Ct);

        var index = new SessionIndex(manager.ProjectDirectory);
        var summary = Assert.Single(index.List());
        Assert.Equal("first prompt", summary.Title);
        Assert.Equal(2, summary.MessageCount);
        Assert.Equal(summary.Created.AddMinutes(3), summary.Updated);
        Assert.Equal(new FileInfo(session.TranscriptPath!).Length, summary.FileLength);
    }

    /// <summary>The summaries in the project's index file as written (what another process lists without a rescan).</summary>
    private static IReadOnlyList<SessionSummary> IndexFile(SessionManager manager) =>
        JsonSerializer.Deserialize(
            File.ReadAllBytes(Path.Combine(manager.ProjectDirectory, SessionPaths.IndexFileName)),
            SessionJsonContext.Default.SessionIndexFile)!.Sessions;

    [Fact]
    public async Task CommitTurnAsync_WhileTheSessionStaysOpen_WritesEachTurnToTheIndexFile()
    {
        var manager = _root.Manager();
        await using var session = await manager.CreateAsync(cancellationToken: Ct);

        await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "first turn"), cancellationToken: Ct);
        await session.CommitTurnAsync(Ct);
        var afterFirst = Assert.Single(IndexFile(manager));
        await session.AppendMessageAsync(new ChatMessage(ChatRole.Assistant, "answer"), cancellationToken: Ct);
        await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "second turn"), cancellationToken: Ct);
        await session.CommitTurnAsync(Ct);
        var afterSecond = Assert.Single(IndexFile(manager));

        Assert.Equal((session.Id, "first turn", 1), (afterFirst.SessionId, afterFirst.Title, afterFirst.MessageCount));
        Assert.Equal(3, afterSecond.MessageCount);
        Assert.Equal(new FileInfo(session.TranscriptPath!).Length, afterSecond.FileLength);
        Assert.True(afterSecond.FileLength > afterFirst.FileLength);
    }

    [Fact]
    public async Task DisposeAsync_WritesTheLastAppendsToTheIndexFile()
    {
        var manager = _root.Manager();
        var session = await manager.CreateAsync(cancellationToken: Ct);
        await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "never committed"), cancellationToken: Ct);

        await session.DisposeAsync();

        var summary = Assert.Single(IndexFile(manager));
        Assert.Equal(("never committed", 1), (summary.Title, summary.MessageCount));
        Assert.Equal(new FileInfo(session.TranscriptPath!).Length, summary.FileLength);
    }

    [Fact]
    public async Task GetSummary_AfterAppends_CountsTheMessagesAndTakesTheTitleFromTheFirstPrompt()
    {
        await using var session = await _root.Manager().CreateAsync(cancellationToken: Ct);
        await session.AppendEventAsync("hook", cancellationToken: Ct);
        await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "  the   first\nprompt "), cancellationToken: Ct);
        _root.Time.Advance(TimeSpan.FromMinutes(1));
        await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "second prompt"), cancellationToken: Ct);

        var summary = session.GetSummary();

        Assert.Equal(("the first prompt", 2), (summary.Title, summary.MessageCount));
        Assert.Equal(summary.Created.AddMinutes(1), summary.Updated);
        Assert.Equal(new FileInfo(session.TranscriptPath!).Length, summary.FileLength);
        Assert.Equal(SessionSummary.FromEntries(session.Id, session.Entries, summary.FileLength, _root.Time.GetUtcNow()), summary);
    }

    [Fact]
    public async Task NoPersistence_CommitAndGetSummary_WorkAndWriteNothing()
    {
        var manager = _root.Manager(persist: false);
        await using var session = await manager.CreateAsync(cancellationToken: Ct);
        await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "in memory"), cancellationToken: Ct);

        await session.CommitTurnAsync(Ct);

        Assert.False(session.IsPersistent);
        Assert.Null(session.TranscriptPath);
        Assert.Equal((1, 0L), (session.GetSummary().MessageCount, session.GetSummary().FileLength));
        Assert.False(Directory.Exists(manager.ProjectDirectory));
    }

    [Fact]
    public async Task AppendMethods_WithANullArgument_ThrowArgumentNullAndRecordNothing()
    {
        await using var session = await _root.Manager().CreateAsync(cancellationToken: Ct);

        await Assert.ThrowsAsync<ArgumentNullException>(() => session.AppendMessageAsync(null!, cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => session.AppendToolCallAsync(null!, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => session.AppendToolResultAsync(null!, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => session.AppendEventAsync(null!, cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => session.AppendCompactBoundaryAsync(null!, cancellationToken: Ct));

        Assert.Single(session.Entries);
        Assert.True(session.IsPersistent);
    }

    [Fact]
    public async Task AppendCompactBoundaryAsync_WithoutKeptMessages_MakesTheSummaryTheWholeEffectiveConversation()
    {
        await using var session = await _root.Manager().CreateAsync(cancellationToken: Ct);
        await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "old"), cancellationToken: Ct);

        await session.AppendCompactBoundaryAsync("Summary.", cancellationToken: Ct);

        Assert.Equal(["Summary."], Conversations.Texts(session.EffectiveMessages));
    }

    [Fact]
    public async Task AppendCompactBoundaryAsync_KeepingFromAnEntryThatIsNotAMessage_ThrowsAndRecordsNothing()
    {
        await using var session = await _root.Manager().CreateAsync(cancellationToken: Ct);
        await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "question"), cancellationToken: Ct);
        var hook = await session.AppendEventAsync("hook", cancellationToken: Ct);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => session.AppendCompactBoundaryAsync("s", hook.Uuid, Ct));

        Assert.Equal($"Cannot keep messages from entry '{hook.Uuid}': session {session.Id} has no message entry with that uuid. (Parameter 'keepFromUuid')", ex.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => session.AppendCompactBoundaryAsync("s", Guid.NewGuid().ToString("D"), Ct));
        Assert.Equal(3, session.Entries.Count);
    }

    [Fact]
    public async Task CommitTurnAsync_WithABufferingWriter_WritesTheTurnToTheTranscript()
    {
        var manager = _root.Manager(writer: new SessionWriterOptions { FlushEachLine = false, BufferSize = 1 << 20 });
        await using var session = await manager.CreateAsync(cancellationToken: Ct);
        await session.AppendMessageAsync(new ChatMessage(ChatRole.User, "buffered"), cancellationToken: Ct);
        Assert.Empty((await SessionReader.ReadAsync(session.TranscriptPath!, Ct)).Messages);

        await session.CommitTurnAsync(Ct);

        Assert.Equal(["buffered"], Conversations.Texts((await SessionReader.ReadAsync(session.TranscriptPath!, Ct)).Messages));
        Assert.Equal(1, Assert.Single(IndexFile(manager)).MessageCount);
        await session.AppendMessageAsync(new ChatMessage(ChatRole.Assistant, "second turn"), cancellationToken: Ct);
        await session.CommitTurnAsync(Ct);
        Assert.Equal(["buffered", "second turn"], Conversations.Texts((await SessionReader.ReadAsync(session.TranscriptPath!, Ct)).Messages));
    }

    [Fact]
    public async Task OpenAsync_WhenTheStartLineIsDamaged_ResumesWithTheRestAndAppendsAfterIt()
    {
        var manager = _root.Manager();
        string id;
        await using (var session = await manager.CreateAsync(cancellationToken: Ct))
        {
            id = session.Id;
        }
        // The start event was the only line; a disk error turned it into garbage.
        var path = manager.GetTranscriptPath(id);
        await File.WriteAllTextAsync(path, "{\"type\":\"event\", garbage}\n", Ct);

        await using var resumed = await manager.OpenAsync(id, Ct);
        Assert.Empty(resumed.Entries);
        Assert.Null(resumed.ForkedFrom);
        var first = await resumed.AppendMessageAsync(new ChatMessage(ChatRole.User, "still works"), cancellationToken: Ct);

        Assert.Null(first.ParentUuid);
        Assert.Equal(["still works"], Conversations.Texts((await SessionReader.ReadAsync(path, Ct)).Messages));
    }

    [Fact]
    public async Task AppendMessageAsync_QueuedBehindADispose_ThrowsObjectDisposedAndRecordsNothing()
    {
        using var clock = new HeldClock();
        var manager = new SessionManager(_root.Project, new SessionManagerOptions { RootDirectory = _root.Home, TimeProvider = clock, PersistSessions = false });
        var session = await manager.CreateAsync(cancellationToken: Ct);
        clock.HoldNextReading();
        // The first append reads the clock while it holds the session's lock, and is held there.
        var first = Task.Run(() => session.AppendMessageAsync(new ChatMessage(ChatRole.User, "a"), cancellationToken: Ct), Ct);
        await clock.Held.WaitAsync(Ct);

        // Both wait for the session's lock: the dispose first, then an append that found the session still open.
        var disposing = session.DisposeAsync().AsTask();
        var late = session.AppendMessageAsync(new ChatMessage(ChatRole.User, "late"), cancellationToken: Ct);
        clock.Release();
        await first;
        await disposing;

        await Assert.ThrowsAsync<ObjectDisposedException>(() => late);
        Assert.Equal(["a"], Conversations.Texts(session.Messages));
    }

    [Fact]
    public async Task AppendMessageAsync_WhenItWaitsForAnotherAppend_DoesNotResumeOnTheCallersSynchronizationContext()
    {
        using var clock = new HeldClock();
        var manager = new SessionManager(_root.Project, new SessionManagerOptions { RootDirectory = _root.Home, TimeProvider = clock });
        await using var session = await manager.CreateAsync(cancellationToken: Ct);
        clock.HoldNextReading();
        // The first append reads the clock while it holds the session's lock, and is held there.
        var first = Task.Run(() => session.AppendMessageAsync(new ChatMessage(ChatRole.User, "a"), cancellationToken: Ct), Ct);
        await clock.Held.WaitAsync(Ct);

        // A caller on a UI-like thread (a synchronization context that may be blocked) must not get the rest of its
        // append posted back to that context: a library awaits with ConfigureAwait(false).
        var context = new CountingSynchronizationContext();
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        Task<SessionEntry> second;
        try
        {
            second = session.AppendMessageAsync(new ChatMessage(ChatRole.Assistant, "b"), cancellationToken: Ct);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
        Assert.False(second.IsCompleted);
        clock.Release();
        var a = await first;
        var b = await second;

        Assert.Equal(0, context.Posts);
        Assert.Equal(a.Uuid, b.ParentUuid);
    }

    /// <summary>The system clock, except that one reading can be held: it signals <see cref="Held"/> and waits for
    /// <see cref="Release"/>.</summary>
    private sealed class HeldClock : TimeProvider, IDisposable
    {
        private readonly ManualResetEventSlim _release = new(false);
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed;

        public Task Held => _held.Task;

        public void HoldNextReading() => Volatile.Write(ref _armed, 1);

        public void Release() => _release.Set();

        public override DateTimeOffset GetUtcNow()
        {
            if (Interlocked.Exchange(ref _armed, 0) == 1)
            {
                _held.TrySetResult();
                _release.Wait();
            }
            return base.GetUtcNow();
        }

        public void Dispose() => _release.Dispose();
    }
}
