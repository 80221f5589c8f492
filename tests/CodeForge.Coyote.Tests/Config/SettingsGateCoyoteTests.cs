using CodeForge.Core.Config;
using CodeForge.Coyote.Tests.Infrastructure;
using Microsoft.Coyote.Specifications;

namespace CodeForge.Coyote.Tests.Config;

/// <summary>
/// Systematic scheduling of <see cref="SettingsGate"/>: three decisions and a fourth whose token another task cancels
/// race with one settings change (the writer enters the change, applies version 2 to the settings it guards, yields, and
/// completes it). In every schedule no decision holds the gate while the change is applied, each decision sees the
/// settings of its lease's version from start to end, a cancelled decision leaves no hold behind, and at rest the gate is
/// on version 2 and lets the next decision in at once. Across the schedules the cancellable decision must have been
/// cancelled while it waited for the change at least once (the <c>WaitOrCancelAsync</c> path that replaced
/// <c>Task.WaitAsync</c>). The real gate whose change does not wait for the decisions holding it (the
/// <see cref="SettingsGate.DrainSkippedForTests"/> seam) must be caught.
/// </summary>
public sealed class SettingsGateCoyoteTests
{
    private static int _cancelledWhileWaiting;

    private static async Task Scenario(bool drainSkipped)
    {
        var gate = new SettingsGate(1) { DrainSkippedForTests = drainSkipped };
        long applied = 1;
        var holders = 0;
        using var cancellation = new CancellationTokenSource();

        async Task Decide(CancellationToken token)
        {
            using var lease = await gate.EnterAsync(token).AsTask();
            Interlocked.Increment(ref holders);
            Specification.Assert(Volatile.Read(ref applied) == lease.Version,
                $"a decision on version {lease.Version} started on settings version {Volatile.Read(ref applied)}");
            await Task.Yield();
            Specification.Assert(Volatile.Read(ref applied) == lease.Version,
                $"the settings changed to version {Volatile.Read(ref applied)} under a decision on version {lease.Version}");
            Interlocked.Decrement(ref holders);
        }

        var decisions = Enumerable.Range(0, 3).Select(_ => Task.Run(() => Decide(CancellationToken.None))).ToArray();
        var cancellable = Task.Run(async () =>
        {
            try
            {
                await Decide(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _cancelledWhileWaiting);
            }
        });
        var canceller = Task.Run(cancellation.Cancel);
        var writer = Task.Run(async () =>
        {
            await gate.EnterChangeAsync();
            Specification.Assert(Volatile.Read(ref holders) == 0, $"the change was applied while {Volatile.Read(ref holders)} decision(s) held the gate");
            Volatile.Write(ref applied, 2);
            await Task.Yield();
            gate.CompleteChange(2);
        });
        await Task.WhenAll(decisions.Append(cancellable).Append(canceller).Append(writer).ToArray());

        Specification.Assert(gate.Version == 2, $"the gate ended on version {gate.Version}");
        Specification.Assert(holders == 0, $"{holders} decision(s) still counted at rest");
        var next = await gate.EnterAsync(CancellationToken.None).AsTask();
        Specification.Assert(next.Version == 2, $"the next decision ran on version {next.Version}");
        next.Dispose();
        // A cancelled decision left no hold: a second change drains at once.
        await gate.EnterChangeAsync();
        gate.CompleteChange(3);
    }

    [Fact]
    public void DecisionsRacingAChange_NeverSeeItHalfApplied()
    {
        Volatile.Write(ref _cancelledWhileWaiting, 0);

        CoyoteRunner.AssertNoBug(() => Scenario(drainSkipped: false), CoyoteStrategy.Random);

        Assert.True(Volatile.Read(ref _cancelledWhileWaiting) > 0, "no schedule cancelled the decision while it waited for the change");
    }

    [Fact]
    public void DecisionsRacingAChange_WhenTheChangeDoesNotWaitForThem_AreCaught()
    {
        var bug = CoyoteRunner.AssertFindsBug(() => Scenario(drainSkipped: true), CoyoteStrategy.Random);

        Assert.Matches("held the gate|under a decision|started on settings version", bug);
    }
}
