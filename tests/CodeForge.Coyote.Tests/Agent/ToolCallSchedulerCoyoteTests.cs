using CodeForge.Core.Agent;
using CodeForge.Core.Tools;
using CodeForge.Coyote.Tests.Infrastructure;
using Microsoft.Coyote.Specifications;

namespace CodeForge.Coyote.Tests.Agent;

/// <summary>
/// Systematic scheduling of <see cref="ToolCallScheduler"/>: a batch of reads, writes and an exclusive call, each of which
/// yields while it "runs". In every explored schedule a call starts only after every earlier call it conflicts with has
/// finished, and the results come back in call order; across the schedules, calls that do not conflict are seen to
/// overlap (the scheduler does not simply serialize). A copy of the scheduler that waits only for the nearest earlier
/// conflicting call (one added <c>break</c>) must be caught.
/// </summary>
public sealed class ToolCallSchedulerCoyoteTests
{
    private sealed record Call(int Index, string Label, ToolAccess Access);

    private static readonly Call[] Batch =
    [
        new(0, "write a", ToolAccess.Writing("/w/a")),
        new(1, "write b", ToolAccess.Writing("/w/b")),
        new(2, "read a", ToolAccess.Reading("/w/a")),
        new(3, "shell", ToolAccess.Everything),
        new(4, "read b", ToolAccess.Reading("/w/b")),
        new(5, "read a again", ToolAccess.Reading("/w/a")),
    ];

    private delegate Task<int[]> Schedule(IReadOnlyList<Call> calls, Func<Call, ToolAccess> access, Func<Call, Task<int>> run);

    /// <summary>Runs the batch through <paramref name="schedule"/>; returns whether two calls were ever running at once.</summary>
    private static async Task<bool> Scenario(Schedule schedule)
    {
        var clock = 0;
        var started = new int[Batch.Length];
        var finished = new int[Batch.Length];
        var running = 0;
        var overlapped = false;

        var results = await schedule(Batch, c => c.Access, async call =>
        {
            started[call.Index] = Interlocked.Increment(ref clock);
            foreach (var earlier in Batch.Take(call.Index).Where(e => e.Access.ConflictsWith(call.Access)))
            {
                Specification.Assert(finished[earlier.Index] != 0 && finished[earlier.Index] < started[call.Index],
                    $"'{call.Label}' started while the earlier conflicting '{earlier.Label}' had not finished");
            }
            overlapped |= Interlocked.Increment(ref running) > 1;
            await Task.Yield();
            Interlocked.Decrement(ref running);
            finished[call.Index] = Interlocked.Increment(ref clock);
            return call.Index;
        });

        Specification.Assert(results.SequenceEqual(Enumerable.Range(0, Batch.Length)), $"results out of call order: {string.Join(",", results)}");
        return overlapped;
    }

    /// <summary>
    /// The broken variant: <c>ToolCallScheduler.RunAsync</c> copied with one change, a <c>break</c> after the nearest earlier
    /// conflicting call is found (scanning backwards), on the wrong belief that conflicts are transitive.
    /// </summary>
    private static async Task<TResult[]> NearestConflictOnlyAsync<TCall, TResult>(
        IReadOnlyList<TCall> calls, Func<TCall, ToolAccess> access, Func<TCall, Task<TResult>> run)
    {
        var accesses = calls.Select(access).ToArray();
        var tasks = new Task<TResult>[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            var dependencies = new List<Task>();
            for (var j = i - 1; j >= 0; j--)
            {
                if (accesses[i].ConflictsWith(accesses[j]))
                {
                    dependencies.Add(tasks[j]);
                    break;
                }
            }
            tasks[i] = RunAfterAsync(dependencies.ToArray(), calls[i], run);
        }
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private static async Task<TResult> RunAfterAsync<TCall, TResult>(Task[] dependencies, TCall call, Func<TCall, Task<TResult>> run)
    {
        if (dependencies.Length > 0)
        {
            try
            {
                await Task.WhenAll(dependencies).ConfigureAwait(false);
            }
            catch (Exception)
            {
            }
        }
        else
        {
            await Task.Yield();
        }
        return await run(call).ConfigureAwait(false);
    }

    [Fact]
    public void Batch_RunsEachCallAfterItsConflicts_ReturnsResultsInOrder_AndOverlapsTheRest()
    {
        var overlaps = 0;
        CoyoteRunner.AssertNoBug(async () =>
        {
            if (await Scenario(ToolCallScheduler.RunAsync))
            {
                overlaps++;
            }
        }, CoyoteStrategy.Random);

        Assert.True(overlaps > 0, "no schedule ever ran two non-conflicting calls at once: the scheduler serializes everything");
    }

    [Fact]
    public void Batch_WhenASchedulerWaitsOnlyForTheNearestConflict_IsCaught()
    {
        var bug = CoyoteRunner.AssertFindsBug(() => Scenario(NearestConflictOnlyAsync), CoyoteStrategy.Random);

        Assert.Contains("had not finished", bug, StringComparison.Ordinal);
    }
}
