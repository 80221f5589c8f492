using System.Collections.Concurrent;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Shells;

namespace CodeForge.Concurrency.Tests.Seed;

/// <summary>
/// Seed test 23 (TestConcurrencyStress.test_shell_manager_stress): 50 concurrent create / read / kill over real processes.
/// Stronger: a shell ends Killed only if its own Kill registered and the process died of it (else Completed with exit 0
/// and its full output), no
/// observer ever sees a final status change, and afterwards no process of any shell is alive.
/// </summary>
public sealed partial class ConcurrencyStressTests
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("forge-stress-shells-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ShellManagerStress()
    {
        const int count = 50;
        await using var manager = new ShellManager();
        var shells = new ShellProcess[count];
        var killWon = new bool[count];
        var outputs = new string[count];
        var observed = new ConcurrentDictionary<string, ShellStatus>();
        var violations = new ConcurrentQueue<string>();
        using var stopObserving = new CancellationTokenSource();

        // An observer samples every shell's status while the workers run: a final status must never change.
        var observer = Task.Run(async () =>
        {
            while (!stopObserving.IsCancellationRequested)
            {
                foreach (var shell in manager.List())
                {
                    var status = shell.Status;
                    var first = observed.GetOrAdd(shell.Id, status);
                    if (first.IsFinal() && status != first)
                    {
                        violations.Enqueue($"{shell.Id}: {first} became {status}");
                    }
                    else if (!first.IsFinal() && status.IsFinal())
                    {
                        observed.TryUpdate(shell.Id, status, first);
                    }
                }
                await Task.Yield();
            }
        }, Ct);

        await Stress.GatherAsync(count, async i =>
        {
            var shell = await manager.CreateAsync($"echo 'Stress test {i}'", _dir.FullName, cancellationToken: Ct);
            shells[i] = shell;
            await Task.Yield();
            outputs[i] = shell.GetNewOutput().Text;
            killWon[i] = shell.Kill();
            await shell.WaitForExitAsync(Ct);
        });
        await stopObserving.CancelAsync();
        await observer;

        Assert.Empty(violations);
        Assert.Equal(count, shells.Select(s => s.Id).Distinct().Count());
        for (var i = 0; i < count; i++)
        {
            var shell = shells[i];
            var full = shell.GetAllOutput().Text;
            Assert.StartsWith(outputs[i], full, StringComparison.Ordinal);
            if (shell.Status == ShellStatus.Killed)
            {
                // Killed only by its own kill, and only if the process really died of the SIGKILL.
                Assert.True(killWon[i], $"shell {i} ended Killed though its Kill() returned false");
                Assert.Equal(137, shell.ExitCode);
                Assert.StartsWith(full, $"Stress test {i}\n", StringComparison.Ordinal);
            }
            else
            {
                // Finished by itself, before the kill or in the instant before the signal landed: never relabelled.
                Assert.Equal(ShellStatus.Completed, shell.Status);
                Assert.Equal(0, shell.ExitCode);
                Assert.Equal($"Stress test {i}\n", full);
            }
        }
        // No process left: each shell led its own process group; no living member remains.
        Assert.All(shells, s => Assert.Empty(ProcFs.GroupMembers(s.Pid!.Value)));
        Assert.Equal(0, await manager.KillAllAsync(Ct));
    }
}
