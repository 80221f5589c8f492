using System.Text.Json;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Sessions;

namespace CodeForge.Concurrency.Tests.Sessions;

/// <summary>
/// Several real <c>forge</c>-like processes (the session worker) writing sessions in one project at once, and a process
/// killed with SIGKILL in the middle of writing.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class SessionMultiProcessTests : IDisposable
{
    private readonly SessionTestRoot _root = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    private static string[] Turns(int from, int to) =>
        Enumerable.Range(from, to - from + 1).SelectMany(t => new[] { $"turn {t}", $"answer {t}" }).ToArray();

    [Fact]
    public async Task SeveralProcessesWritingTheirOwnSessionsInOneProject_LoseNothing()
    {
        const int Processes = 4, TurnCount = 20;
        var workers = Enumerable.Range(0, Processes)
            .Select(_ => SessionWorkerProcess.Start(_root.Home, _root.Project, "--turns", $"{TurnCount}", "--commit-every", "4", "--payload", "300"))
            .ToList();
        try
        {
            var exits = await Task.WhenAll(workers.Select(w => w.WaitForExitAsync()).ToArray());

            Assert.All(exits.Zip(workers), x => Assert.True(x.First == 0, $"worker {x.Second.Id} exited {x.First}: {x.Second.StdErr}"));
            var ids = workers.Select(w => w.Lines.Single(l => l.StartsWith("session ", StringComparison.Ordinal))[8..]).ToList();
            Assert.Equal(Processes, ids.Distinct().Count());
            var manager = _root.Manager();
            foreach (var id in ids)
            {
                var transcript = await manager.ReadTranscriptAsync(id, Ct);
                Assert.Empty(transcript.Errors);
                Assert.Null(transcript.TornTail);
                Assert.Equal(Turns(1, TurnCount), transcript.Messages.Select(m => m.Text.TrimEnd('x')));
            }
            // The index file, as the processes left it (before any listing repairs it), lost none of their updates.
            var indexBytes = await File.ReadAllBytesAsync(Path.Combine(manager.ProjectDirectory, SessionPaths.IndexFileName), Ct);
            var index = JsonSerializer.Deserialize(indexBytes, SessionJsonContext.Default.SessionIndexFile)!;
            Assert.Equal(ids.Order(), index.Sessions.Select(s => s.SessionId).Order());
            Assert.All(index.Sessions, s =>
            {
                Assert.Equal(2 * TurnCount, s.MessageCount);
                Assert.Equal(new FileInfo(manager.GetTranscriptPath(s.SessionId)).Length, s.FileLength);
            });
            Assert.Equal(ids.Order(), manager.ListSessions().Select(s => s.SessionId).Order());
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }
    }

    [Fact]
    public async Task ProcessesRacingForOneSessionId_ExactlyOneWritesIt()
    {
        var id = Guid.NewGuid().ToString("D");
        var workers = Enumerable.Range(0, 3)
            .Select(_ => SessionWorkerProcess.Start(_root.Home, _root.Project, "--session-id", id, "--turns", "20", "--commit-every", "5"))
            .ToList();
        try
        {
            var exits = await Task.WhenAll(workers.Select(w => w.WaitForExitAsync()).ToArray());

            Assert.Equal(1, exits.Count(e => e == 0));
            // The others were told the session is locked (3) or, if they came after the winner finished, exists (4).
            Assert.All(workers.Where(w => w.Lines.Count == 0), w => Assert.Contains(id, w.StdErr, StringComparison.Ordinal));
            Assert.All(exits.Where(e => e != 0), e => Assert.Contains(e, new[] { 3, 4 }));
            var transcript = await _root.Manager().ReadTranscriptAsync(id, Ct);
            Assert.Single(transcript.Entries, e => e.Subtype == SessionEntry.SessionStartSubtype);
            Assert.Equal(Turns(1, 20), transcript.Messages.Select(m => m.Text));
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }
    }

    [Fact]
    public async Task ProcessKilledMidWrite_KeepsEveryCommittedTurnAndReleasesItsLock()
    {
        const int CommittedBeforeKill = 15;
        using var worker = SessionWorkerProcess.Start(_root.Home, _root.Project, "--loop", "--commit-every", "1", "--payload", "5000");
        var started = await worker.ReadUntilAsync(l => l.StartsWith("session ", StringComparison.Ordinal));
        Assert.True(started is not null, $"the worker did not start: {worker.StdErr}");
        var id = started[8..];
        var manager = _root.Manager();

        var reported = await worker.ReadUntilAsync(l => l == $"committed {CommittedBeforeKill}");
        Assert.NotNull(reported);
        // While it runs, the worker holds the session: another writer is refused and told which process has it.
        var locked = await Assert.ThrowsAsync<SessionLockedException>(() => manager.OpenAsync(id, Ct));
        Assert.Equal(worker.Id, locked.HolderProcessId);
        await worker.KillHardAsync();

        // Every committed turn is there, whole and in order; only a torn tail (an unfinished write) may be skipped.
        var transcript = await manager.ReadTranscriptAsync(id, Ct);
        Assert.Empty(transcript.Errors);
        var texts = transcript.Messages.Select(m => m.Text.TrimEnd('x')).ToArray();
        var turnsWritten = texts.Length / 2;
        Assert.True(turnsWritten >= CommittedBeforeKill, $"only {turnsWritten} turns survived; {CommittedBeforeKill} were committed");
        Assert.Equal(Turns(1, turnsWritten), texts[..(2 * turnsWritten)]);
        Assert.True(texts.Length == 2 * turnsWritten || texts[^1] == $"turn {turnsWritten + 1}", $"unexpected tail: {texts[^1]}");

        // The lock died with the process: a new writer opens the session, cuts any torn tail, and appends whole lines.
        await using (var resumed = await manager.OpenAsync(id, Ct))
        {
            Assert.Equal(texts, resumed.Messages.Select(m => m.Text.TrimEnd('x')));
            await resumed.AppendMessageAsync(SessionTestRoot.User("after the crash"), cancellationToken: Ct);
        }
        var after = await manager.ReadTranscriptAsync(id, Ct);
        Assert.Empty(after.Errors);
        Assert.Null(after.TornTail);
        Assert.Equal([.. texts, "after the crash"], after.Messages.Select(m => m.Text.TrimEnd('x')));
        Assert.Equal(texts.Length + 1, Assert.Single(manager.ListSessions()).MessageCount);
    }
}
