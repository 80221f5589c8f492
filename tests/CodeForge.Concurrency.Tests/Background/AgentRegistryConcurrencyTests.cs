using System.Diagnostics;
using System.Globalization;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Concurrency.Tests.Tools;
using CodeForge.Core.Background;

namespace CodeForge.Concurrency.Tests.Background;

/// <summary>
/// The background agents' registry under many writers: worker processes and threads updating one record at once lose
/// no update and readers only ever see whole records; agents created at once each get their record, one id once; a
/// record whose process was killed shows as died.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class AgentRegistryConcurrencyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("forge-agents-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static AgentRecord NewRecord(string id) => new()
    {
        Id = id,
        WorkingDirectory = "/tmp",
        Prompt = "p",
        Started = DateTimeOffset.UnixEpoch,
        LogPath = "/dev/null",
    };

    [Fact]
    public async Task UpdatesFromProcessesAndThreadsAtOnce_AreAllKept_AndReadersSeeOnlyWholeRecords()
    {
        const int Workers = 4, Threads = 4, Count = 25;
        var registry = new AgentRegistry(_root);
        registry.Create(NewRecord("shared"));
        var workers = Enumerable.Range(0, Workers)
            .Select(_ => FileEditWorkerProcess.Start(["agent-update", "--dir", _root, "--id", "shared", "--count", Count.ToString(CultureInfo.InvariantCulture)]))
            .ToList();
        try
        {
            Assert.All(await Task.WhenAll(workers.Select(w => w.ReadLineAsync())), line => Assert.Equal("ready", line));
            using var start = new Barrier(Threads + 1);
            // The in-process writers wait at their midpoint until the reader has read a few times since they started:
            // the reads provably overlap the writes, however the threads were scheduled (an event, not a hope).
            using var readMidRun = new ObservationLatch(required: 3);
            var threads = Enumerable.Range(0, Threads).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                readMidRun.WorkloadStarted();
                for (var n = 0; n < Count; n++)
                {
                    if (n == Count / 2)
                    {
                        readMidRun.WaitMidRun();
                    }
                    registry.Update("shared", r => r with { CostUsd = (r.CostUsd ?? 0) + 1 });
                }
            })).ToList();
            await Task.WhenAll(workers.Select(w => w.WriteLineAsync("go")));
            start.SignalAndWait(TestContext.Current.CancellationToken);
            var writersDone = Task.WhenAll(threads.Concat(workers.Select(async w => Assert.Equal("done", await w.ReadLineAsync()))));

            // A reader while they write: every read parses, and the count never goes back.
            decimal last = 0;
            while (!writersDone.IsCompleted)
            {
                var seen = registry.Get("shared")!.CostUsd ?? 0;
                Assert.True(seen >= last, $"the count went back from {last} to {seen}");
                last = seen;
                readMidRun.Observed();
            }
            await writersDone;

            Assert.Equal(Workers * Count + Threads * Count, registry.Get("shared")!.CostUsd);
            Assert.True(readMidRun.ObservedDuringRun >= readMidRun.Required, $"{readMidRun.ObservedDuringRun} reads while the writers ran");
            Assert.Empty(Directory.EnumerateFiles(_root, "*.tmp"));
            foreach (var w in workers)
            {
                Assert.Equal(0, await w.WaitForExitAsync());
            }
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }
    }

    [Fact]
    public async Task AgentsCreatedAtOnce_EachGetTheirRecord_AndOneIdIsCreatedOnce()
    {
        var registry = new AgentRegistry(_root);
        using var start = new Barrier(16);
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
        {
            start.SignalAndWait(TestContext.Current.CancellationToken);
            // Threads 0-7 create their own agent; threads 8-15 all try to create "same".
            var id = i < 8 ? "agent" + i.ToString(CultureInfo.InvariantCulture) : "same";
            try
            {
                registry.Create(NewRecord(id));
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        })));

        Assert.All(results.Take(8), Assert.True);
        Assert.Equal(1, results.Skip(8).Count(created => created));
        Assert.Equal(
            [.. Enumerable.Range(0, 8).Select(i => "agent" + i.ToString(CultureInfo.InvariantCulture)), "same"],
            registry.List().Select(r => r.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ARunningRecordWhoseProcessWasKilled_ShowsAsDied()
    {
        var registry = new AgentRegistry(_root);
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
        registry.Create(NewRecord("victim") with
        {
            Pid = sleeper.Id,
            ProcessStart = ProcessProbe.StartTime(sleeper.Id),
            Status = AgentStatus.Running,
        });
        Assert.Equal(AgentStatus.Running, registry.EffectiveStatus(registry.Get("victim")!));

        sleeper.Kill();
        await sleeper.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(AgentStatus.Died, registry.EffectiveStatus(registry.Get("victim")!));
        // A finished record stays finished whatever became of its pid.
        registry.Update("victim", r => r with { Status = AgentStatus.Finished });
        Assert.Equal(AgentStatus.Finished, registry.EffectiveStatus(registry.Get("victim")!));
    }
}
