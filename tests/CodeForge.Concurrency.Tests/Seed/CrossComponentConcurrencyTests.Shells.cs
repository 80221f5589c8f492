using System.Collections.Concurrent;
using System.Text.Json;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Permissions;
using CodeForge.Core.Shells;

namespace CodeForge.Concurrency.Tests.Seed;

public sealed partial class CrossComponentConcurrencyTests
{
    [Fact]
    public async Task ShellCreationWithPermissionChecking()
    {
        var checker = new PermissionChecker(_temp.FullName, _temp.FullName);
        for (var i = 0; i < 10; i++)
        {
            checker.AddSessionRule(PermissionBehavior.Allow, $"bash_{i}");
        }
        await using var manager = new ShellManager();
        var args = JsonElement.Parse("""{"command": "echo test"}""");
        var shells = new ConcurrentDictionary<int, ShellProcess>();

        // 50 checks on 20 threads run while 20 shells are created.
        var checks = Task.Run(() => Stress.Pool(maxWorkers: 20, jobs: 50, i =>
        {
            var decision = checker.Check($"bash_{i % 10}", args);
            Assert.Equal(PermissionBehavior.Allow, decision.Behavior);
            Assert.Equal($"bash_{i % 10}", decision.DecidingRule?.Text);
        }), TestContext.Current.CancellationToken);
        await Stress.GatherAsync(20, async i =>
            shells[i] = await manager.CreateAsync($"echo 'Shell {i}'", _temp.FullName, cancellationToken: TestContext.Current.CancellationToken));
        await checks;

        Assert.Equal(20, shells.Select(s => s.Value.Id).Distinct().Count());
        foreach (var (i, shell) in shells)
        {
            await Stress.WithinWatchdog(shell.WaitForExitAsync(TestContext.Current.CancellationToken), what: $"shell {i}");
            Assert.Equal(0, shell.ExitCode);
            Assert.Equal($"Shell {i}\n", shell.GetAllOutput().Stdout.Text);
        }
        Assert.Equal(10, checker.SessionRules.Length);
        Assert.Equal(0, await manager.KillAllAsync(TestContext.Current.CancellationToken));
    }
}
