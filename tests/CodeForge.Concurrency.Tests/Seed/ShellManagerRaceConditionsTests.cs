using System.Collections.Concurrent;
using System.Text;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Shells;

namespace CodeForge.Concurrency.Tests.Seed;

/// <summary>
/// Seed tests 8–10 (TestShellManagerRaceConditions) over real <c>/bin/sh</c> processes, with the original's workloads and
/// stronger assertions: exact ids, statuses, exit codes and outputs; every reader sees each shell's output exactly once;
/// shared-cursor reads partition the output; cleanup never removes a running shell.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class ShellManagerRaceConditionsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("forge-seed-shells-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task ConcurrentShellCreation()
    {
        const int numShells = 20;
        await using var manager = new ShellManager();
        var shells = new ShellProcess[numShells];

        await Stress.GatherAsync(numShells, async i =>
            shells[i] = await manager.CreateAsync($"echo 'Shell {i}'", _dir.FullName, cancellationToken: Ct));

        Assert.Equal(numShells, shells.Select(s => s.Id).Distinct().Count());
        Assert.Equal(numShells, manager.Count);
        for (var i = 0; i < numShells; i++)
        {
            Assert.Same(shells[i], manager.Get(shells[i].Id));
            Assert.Equal(ShellStatus.Completed, await Stress.WithinWatchdog(shells[i].WaitForExitAsync(Ct), what: $"shell {i}"));
            Assert.Equal(0, shells[i].ExitCode);
            Assert.Equal($"Shell {i}\n", shells[i].GetAllOutput().Text);
        }
        Assert.Equal(0, await manager.KillAllAsync(Ct));
    }

    [Fact]
    public async Task ConcurrentShellAccess()
    {
        const int numShells = 5;
        const int rounds = 50;
        await using var manager = new ShellManager();
        var ids = new string[numShells];
        var expected = new string[numShells];
        for (var i = 0; i < numShells; i++)
        {
            // Output arrives in three writes over ~30 ms, so the readers below overlap the pumps.
            var shell = await manager.CreateAsync(
                $"for j in 1 2 3; do echo \"Test {i}.$j\"; sleep 0.01; done", _dir.FullName, cancellationToken: Ct);
            ids[i] = shell.Id;
            expected[i] = $"Test {i}.1\nTest {i}.2\nTest {i}.3\n";
        }
        var sharedChunks = Enumerable.Range(0, numShells).Select(_ => new ConcurrentBag<OutputSlice>()).ToArray();
        var readerTexts = new ConcurrentBag<(int Shell, string Text)>();

        await Stress.GatherAsync(rounds * numShells, async task =>
        {
            var index = task % numShells;
            var shell = manager.Get(ids[index]) ?? throw new InvalidOperationException($"shell {ids[index]} vanished");
            var reader = shell.OpenReader();
            var seen = new StringBuilder();
            while (true)
            {
                var own = reader.Read();
                Assert.Equal(0, own.SkippedChars);
                Assert.Equal(seen.Length, own.Stdout.Start);
                seen.Append(own.Stdout.Text);
                var shared = shell.GetNewOutput();
                if (shared.Stdout.Text.Length > 0)
                {
                    sharedChunks[index].Add(shared.Stdout);
                }
                if (!await shell.Stdout.WaitForOutputAsync(own.Stdout.NextOffset, Ct))
                {
                    break; // end of stream and nothing after our offset
                }
            }
            readerTexts.Add((index, seen.ToString()));
        });

        Assert.Equal(rounds * numShells, readerTexts.Count);
        Assert.All(readerTexts, r => Assert.Equal(expected[r.Shell], r.Text));
        for (var i = 0; i < numShells; i++)
        {
            var shell = manager.Get(ids[i])!;
            Assert.Equal(ShellStatus.Completed, await shell.WaitForExitAsync(Ct));
            var rest = shell.GetNewOutput().Stdout;
            if (rest.Text.Length > 0)
            {
                sharedChunks[i].Add(rest);
            }
            // The shared cursor's chunks tile the output: contiguous, no overlap, nothing missing.
            var chunks = sharedChunks[i].OrderBy(c => c.Start).ToList();
            long next = 0;
            foreach (var chunk in chunks)
            {
                Assert.Equal(next, chunk.Start);
                next = chunk.NextOffset;
            }
            Assert.Equal(expected[i], string.Concat(chunks.Select(c => c.Text)));
        }
    }

    [Fact]
    public async Task ConcurrentCleanupAndAccess()
    {
        const int numShells = 10;
        await using var manager = new ShellManager();
        var shells = new List<ShellProcess>();
        for (var i = 0; i < numShells; i++)
        {
            // Even shells finish at once; odd ones keep running until killed below, so cleanup races both kinds.
            var command = i % 2 == 0 ? $"echo 'Shell {i}'" : $"echo 'Shell {i}'; exec sleep 300";
            shells.Add(await manager.CreateAsync(command, _dir.FullName, cancellationToken: Ct));
        }
        foreach (var shell in shells.Where((_, i) => i % 2 == 0))
        {
            Assert.Equal(ShellStatus.Completed, await shell.WaitForExitAsync(Ct));
        }
        var removed = 0;
        var listings = new ConcurrentBag<(IReadOnlyList<ShellProcess> All, IReadOnlyList<ShellProcess> Running)>();

        await Stress.GatherAsync(21, i =>
        {
            if (i == 0)
            {
                removed = manager.CleanupCompleted(TimeSpan.Zero);
            }
            else
            {
                listings.Add((manager.List(), manager.ListRunning()));
            }
            return Task.CompletedTask;
        });

        Assert.Equal(numShells / 2, removed);
        var odd = shells.Where((_, i) => i % 2 == 1).ToList();
        Assert.Equal(odd, manager.List()); // every running shell survived, every finished one is gone
        Assert.All(odd, s => Assert.Equal(ShellStatus.Running, s.Status));
        Assert.All(listings, l =>
        {
            Assert.Subset(shells.ToHashSet(), l.All.ToHashSet());
            Assert.Equal(odd, l.Running);
            Assert.True(l.All.Count is >= numShells / 2 and <= numShells);
        });

        Assert.Equal(numShells / 2, await manager.KillAllAsync(Ct));
        Assert.Equal(numShells / 2, manager.CleanupCompleted(TimeSpan.Zero));
        Assert.Empty(manager.List());
        Assert.All(odd, s => Assert.Equal(ShellStatus.Killed, s.Status));
    }
}
