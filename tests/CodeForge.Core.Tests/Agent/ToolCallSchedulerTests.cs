using System.Collections.Concurrent;
using CodeForge.Core.Agent;
using CodeForge.Core.Tools;

namespace CodeForge.Core.Tests.Agent;

public sealed class ToolCallSchedulerTests
{
    private sealed record Call(string Name, ToolAccess Access);

    [Fact]
    public async Task Run_WhenTwoCallsWriteOneFile_RunsThemInCallOrder()
    {
        var first = new TaskCompletionSource();
        var log = new ConcurrentQueue<string>();
        Call[] calls = [new("edit-1", ToolAccess.Writing("/tmp/a")), new("edit-2", ToolAccess.Writing("/tmp/a"))];

        var run = ToolCallScheduler.RunAsync(calls, c => c.Access, async c =>
        {
            log.Enqueue("start " + c.Name);
            if (c.Name == "edit-1")
            {
                await first.Task;
            }
            log.Enqueue("end " + c.Name);
            return c.Name;
        });
        await Task.Yield();
        Assert.DoesNotContain("start edit-2", log);
        first.SetResult();

        Assert.Equal(["edit-1", "edit-2"], await run);
        Assert.Equal(["start edit-1", "end edit-1", "start edit-2", "end edit-2"], log);
    }

    [Fact]
    public async Task Run_WhenCallsTouchDifferentFiles_OverlapsThem()
    {
        using var bothStarted = new Barrier(2);
        Call[] calls = [new("a", ToolAccess.Writing("/tmp/a")), new("b", ToolAccess.Writing("/tmp/b"))];

        var results = await ToolCallScheduler.RunAsync(calls, c => c.Access, c => Task.Run(() =>
        {
            // Each waits for the other: only possible if they run at the same time.
            Assert.True(bothStarted.SignalAndWait(TimeSpan.FromMinutes(2)), "the calls did not overlap");
            return c.Name;
        }));

        Assert.Equal(["a", "b"], results);
    }

    [Fact]
    public async Task Run_WhenACallIsExclusive_WaitsForEarlierCallsAndHoldsBackLaterOnes()
    {
        var log = new ConcurrentQueue<string>();
        Call[] calls = [new("read", ToolAccess.Reading("/tmp/a")), new("bash", ToolAccess.Everything), new("read2", ToolAccess.Reading("/tmp/b"))];

        await ToolCallScheduler.RunAsync(calls, c => c.Access, async c =>
        {
            log.Enqueue("start " + c.Name);
            await Task.Yield();
            log.Enqueue("end " + c.Name);
            return 0;
        });

        var order = log.ToList();
        Assert.True(order.IndexOf("end read") < order.IndexOf("start bash"));
        Assert.True(order.IndexOf("end bash") < order.IndexOf("start read2"));
    }

    [Fact]
    public void ConflictsWith_DistinguishesReadsWritesAndExclusive()
    {
        Assert.False(ToolAccess.Reading("/x").ConflictsWith(ToolAccess.Reading("/x")));
        Assert.True(ToolAccess.Reading("/x").ConflictsWith(ToolAccess.Writing("/x")));
        Assert.True(ToolAccess.Writing("/x").ConflictsWith(ToolAccess.Writing("/x")));
        Assert.False(ToolAccess.Writing("/x").ConflictsWith(ToolAccess.Writing("/y")));
        Assert.True(ToolAccess.None.ConflictsWith(ToolAccess.Everything));
    }
}
