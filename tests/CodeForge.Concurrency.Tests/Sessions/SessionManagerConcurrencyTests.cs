using System.Collections.Concurrent;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Sessions;

namespace CodeForge.Concurrency.Tests.Sessions;

/// <summary>
/// The seed's first future area: concurrent session creation and access through the session manager.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class SessionManagerConcurrencyTests : IDisposable
{
    private readonly SessionTestRoot _root = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task ConcurrentSessionCreation_GivesDistinctCompleteSessionsAllListed()
    {
        const int Workers = 20, CreatesEach = 5;
        var created = new ConcurrentBag<(string Id, int Worker, int Round)>();

        // 20 workers x 5 creates, each through its own manager (as separate forge invocations would), all in one project.
        await Stress.GatherAsync(Workers, async w =>
        {
            var manager = _root.Manager();
            for (var r = 0; r < CreatesEach; r++)
            {
                await using var session = await manager.CreateAsync(cancellationToken: Ct);
                await session.AppendMessageAsync(SessionTestRoot.User($"w{w} r{r}"), cancellationToken: Ct);
                created.Add((session.Id, w, r));
            }
        });

        Assert.Equal(Workers * CreatesEach, created.Select(c => c.Id).Distinct().Count());
        var check = _root.Manager();
        var listed = check.ListSessions();
        Assert.Equal(created.Select(c => c.Id).Order(), listed.Select(s => s.SessionId).Order());
        foreach (var (id, w, r) in created)
        {
            var transcript = await check.ReadTranscriptAsync(id, Ct);
            Assert.Equal([$"w{w} r{r}"], SessionTestRoot.Texts(transcript));
            Assert.Empty(transcript.Errors);
            Assert.Null(transcript.TornTail);
            var summary = listed.Single(s => s.SessionId == id);
            Assert.Equal((1, $"w{w} r{r}"), (summary.MessageCount, summary.Title));
        }
        // The index was written by many updaters and lost none of them: it already held every session before listing.
        var index = await File.ReadAllTextAsync(Path.Combine(check.ProjectDirectory, SessionPaths.IndexFileName), Ct);
        Assert.All(created, c => Assert.Contains(c.Id, index, StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(check.ProjectDirectory, "*.tmp"));
    }

    [Fact]
    public async Task ConcurrentCreatesWithOneGivenId_ExactlyOneWins()
    {
        var id = Guid.NewGuid().ToString("D");
        var winners = new ConcurrentBag<Session>();
        var losers = new ConcurrentBag<Exception>();

        await Stress.GatherAsync(20, async _ =>
        {
            try
            {
                winners.Add(await _root.Manager().CreateAsync(id, Ct));
            }
            catch (Exception ex) when (ex is SessionLockedException or SessionAlreadyExistsException)
            {
                losers.Add(ex);
            }
        });

        var winner = Assert.Single(winners);
        Assert.Equal(19, losers.Count);
        Assert.All(losers, ex => Assert.Equal(id, ((SessionException)ex).SessionId));
        await winner.AppendMessageAsync(SessionTestRoot.User("mine"), cancellationToken: Ct);
        await winner.DisposeAsync();
        var transcript = await _root.Manager().ReadTranscriptAsync(id, Ct);
        Assert.Single(transcript.Entries, e => e.Subtype == SessionEntry.SessionStartSubtype);
        Assert.Equal(["mine"], SessionTestRoot.Texts(transcript));
    }

    [Fact]
    public async Task ConcurrentOpensOfOneSession_GiveExactlyOneWriterAndClearErrorsForTheOthers()
    {
        const int Rounds = 5, Openers = 12;
        string id;
        await using (var session = await _root.Manager().CreateAsync(cancellationToken: Ct))
        {
            id = session.Id;
        }

        for (var round = 0; round < Rounds; round++)
        {
            var winners = new ConcurrentBag<Session>();
            var locked = new ConcurrentBag<SessionLockedException>();
            await Stress.GatherAsync(Openers, async i =>
            {
                try
                {
                    var session = await _root.Manager().OpenAsync(id, Ct);
                    winners.Add(session);
                    await session.AppendMessageAsync(SessionTestRoot.User($"round {round} by {i}"), cancellationToken: Ct);
                }
                catch (SessionLockedException ex)
                {
                    locked.Add(ex);
                }
            });

            var winner = Assert.Single(winners);
            Assert.Equal(Openers - 1, locked.Count);
            Assert.All(locked, ex =>
            {
                Assert.Equal(id, ex.SessionId);
                Assert.Contains(id, ex.Message, StringComparison.Ordinal);
            });
            await winner.DisposeAsync();
        }

        var transcript = await _root.Manager().ReadTranscriptAsync(id, Ct);
        Assert.Equal(Enumerable.Range(0, Rounds).Select(r => $"round {r} by "), SessionTestRoot.Texts(transcript).Select(t => t[..(t.LastIndexOf(' ') + 1)]));
    }

    [Fact]
    public async Task ConcurrentWritersAndListers_ListingsOnlyGrowAndEndExact()
    {
        const int Sessions = 6, Turns = 30, Listers = 4;
        var manager = _root.Manager();
        var sessions = new Session[Sessions];
        for (var s = 0; s < Sessions; s++)
        {
            sessions[s] = await manager.CreateAsync(cancellationToken: Ct);
        }
        var ids = sessions.Select(s => s.Id).ToHashSet();
        var writersDone = 0;
        var listings = 0;

        await Stress.GatherAsync(Sessions + Listers, async i =>
        {
            if (i < Sessions)
            {
                await using var session = sessions[i];
                for (var t = 0; t < Turns; t++)
                {
                    await session.AppendMessageAsync(SessionTestRoot.User($"s{i} t{t}"), cancellationToken: Ct);
                    if (t % 5 == 4)
                    {
                        await session.CommitTurnAsync(Ct);
                    }
                }
                Interlocked.Increment(ref writersDone);
                return;
            }
            // A lister: every listing holds only known sessions, and no session's count ever goes down.
            var seen = new Dictionary<string, int>();
            var lister = _root.Manager();
            do
            {
                foreach (var summary in lister.ListSessions())
                {
                    Assert.Contains(summary.SessionId, ids);
                    Assert.InRange(summary.MessageCount, seen.GetValueOrDefault(summary.SessionId), Turns);
                    seen[summary.SessionId] = summary.MessageCount;
                }
                Interlocked.Increment(ref listings);
                await Task.Yield();
            }
            while (Volatile.Read(ref writersDone) < Sessions);
        });

        Assert.True(listings >= Listers);
        var final = manager.ListSessions();
        Assert.Equal(ids.Order(), final.Select(s => s.SessionId).Order());
        Assert.All(final, s => Assert.Equal(Turns, s.MessageCount));
    }
}
