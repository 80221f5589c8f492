using System.Text.Json;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Tools;
using Microsoft.Extensions.Time.Testing;

namespace CodeForge.Concurrency.Tests.Tools;

/// <summary>
/// <see cref="ToolExecutor"/> under concurrency: many calls at once while the registry changes and readers watch the
/// history; timeouts and caller cancellations racing in one batch.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class ToolExecutorConcurrencyTests
{
    private static readonly ToolContext Context = new("/tmp") { Timeout = Timeout.InfiniteTimeSpan }; // no time limit to race on a loaded machine

    [Fact]
    public async Task ConcurrentCalls_WhileTheRegistryChurns_NeverThrow_AndTheHistoryStaysBoundedAndComplete()
    {
        const int calls = 400, bound = 100;
        var registry = new ToolRegistry();
        registry.RegisterMany(Enumerable.Range(0, 10).Select(i => new MockTool($"Tool_{i}")));
        var executor = new ToolExecutor(registry, maxHistory: bound);
        var stop = 0;
        var churns = 0;
        var callsStarted = 0;
        var ct = TestContext.Current.CancellationToken;
        // Set once the registry has churned a number of times after the first call began: the second half of the calls
        // waits for it, so calls and churn provably overlap whatever the scheduler does (an event, not a timing hope).
        var churnedDuringCalls = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int churnsBeforeSecondHalf = 20;

        var churn = Task.Run(() =>
        {
            try
            {
                var duringCalls = 0;
                while (Volatile.Read(ref stop) == 0)
                {
                    Assert.True(registry.Deregister("Tool_5"));
                    registry.Register(new MockTool("Tool_5"));
                    Interlocked.Increment(ref churns);
                    if (Volatile.Read(ref callsStarted) != 0 && ++duringCalls == churnsBeforeSecondHalf)
                    {
                        churnedDuringCalls.TrySetResult();
                    }
                }
            }
            catch (Exception ex)
            {
                churnedDuringCalls.TrySetException(ex);
                throw;
            }
        }, ct);
        var watcher = Task.Run(() =>
        {
            while (Volatile.Read(ref stop) == 0)
            {
                var history = executor.GetExecutions();
                Assert.InRange(history.Length, 0, bound);
                Assert.All(history, e => Assert.NotNull(e.Result));
                Thread.Yield();
            }
        }, ct);

        await Stress.GatherAsync(calls, async i =>
        {
            Volatile.Write(ref callsStarted, 1);
            if (i >= calls / 2)
            {
                await churnedDuringCalls.Task;
            }
            var name = $"Tool_{i % 12}"; // Tool_10 and Tool_11 never exist
            var result = await executor.ExecuteAsync(name, default, Context, ct);
            if (i % 12 >= 10)
            {
                Assert.StartsWith($"Unknown tool: '{name}'", result.Error, StringComparison.Ordinal);
            }
            else if (i % 12 == 5)
            {
                // Tool_5 may be between its deregistration and re-registration.
                Assert.True(result.Success ? result.Output == "Executed Tool_5" : result.Error!.StartsWith("Unknown tool: 'Tool_5'", StringComparison.Ordinal));
            }
            else
            {
                Assert.True(result.Success, result.Error);
                Assert.Equal($"Executed {name}", result.Output);
            }
        });
        Volatile.Write(ref stop, 1);
        await Task.WhenAll(new[] { churn, watcher });

        Assert.Equal(calls, executor.TotalExecutions);
        var final = executor.GetExecutions();
        Assert.Equal(bound, final.Length);
        Assert.All(final, e => Assert.Equal(e.Result.Success, e.Result.Output == $"Executed {e.ToolName}"));
        Assert.True(churns >= churnsBeforeSecondHalf, $"the registry churned {churns} times");
        Assert.Equal(10, registry.Count);
    }

    [Fact]
    public async Task ConcurrentRecording_LosesNoExecution_AndKeepsEachCallersOrder()
    {
        const int callers = 8, callsEach = 2000, bound = 100;
        var registry = new ToolRegistry();
        registry.Register(new CallbackTool("Sync", _ => Task.FromResult(ToolResult.Ok("ok"))));
        var executor = new ToolExecutor(registry, maxHistory: bound);
        var ct = TestContext.Current.CancellationToken;
        var arguments = Enumerable.Range(0, callers)
            .Select(t => Enumerable.Range(0, callsEach).Select(n => JsonElement.Parse($$"""{"t":{{t}},"n":{{n}}}""")).ToArray())
            .ToArray();

        // Synchronously completing calls record back to back from every caller at once: maximum contention on the history.
        await Stress.GatherAsync(callers, async t =>
        {
            for (var n = 0; n < callsEach; n++)
            {
                var result = await executor.ExecuteAsync("Sync", arguments[t][n], Context, ct);
                Assert.True(result.Success);
                if (n % 64 == 0)
                {
                    Assert.InRange(executor.GetExecutions().Length, 1, bound);
                }
            }
        });

        Assert.Equal(callers * callsEach, executor.TotalExecutions);
        var history = executor.GetExecutions();
        Assert.Equal(bound, history.Length);
        foreach (var group in history.GroupBy(e => e.Arguments.GetProperty("t").GetInt32()))
        {
            var order = group.Select(e => e.Arguments.GetProperty("n").GetInt32()).ToList();
            Assert.Equal(order.Order(), order);
        }
        // The newest call of every caller is among the kept ones only if it finished in the last 100; the very last
        // recorded call is always kept.
        Assert.Contains(history, e => e.Arguments.GetProperty("n").GetInt32() == callsEach - 1);
    }

    [Fact]
    public async Task ConcurrentTimeoutsAndCancellations_EachCallGetsExactlyItsOwnOutcome()
    {
        const int calls = 60;
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider();
        var registry = new ToolRegistry();
        var started = 0;
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        registry.Register(new CallbackTool("Hang", async ct =>
        {
            if (Interlocked.Increment(ref started) == calls)
            {
                allStarted.SetResult();
            }
            await Task.Delay(Timeout.Infinite, ct);
            return ToolResult.Ok("never");
        }));
        registry.Register(new CallbackTool("Quick", _ => Task.FromResult(ToolResult.Ok("quick"))));
        var executor = new ToolExecutor(registry, timeProvider: time);
        var sources = Enumerable.Range(0, calls).Select(_ => new CancellationTokenSource()).ToArray();
        var context = Context with { Timeout = TimeSpan.FromSeconds(10) };

        // Thirds: cancelled by the caller, timed out, or quick (a quick call runs beside the hanging ones).
        var tasks = Enumerable.Range(0, calls).Select(i => Task.Run(() => executor.ExecuteAsync("Hang", default, context, sources[i].Token), ct)).ToArray();
        var quick = Enumerable.Range(0, calls).Select(_ => Task.Run(() => executor.ExecuteAsync("Quick", default, context, ct), ct)).ToArray();
        await allStarted.Task.WaitAsync(Stress.DefaultWatchdog, ct);
        for (var i = 0; i < calls; i += 2)
        {
            await sources[i].CancelAsync();
        }
        time.Advance(TimeSpan.FromSeconds(10));

        for (var i = 0; i < calls; i++)
        {
            if (i % 2 == 0)
            {
                var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tasks[i]);
                Assert.Equal(sources[i].Token, ex.CancellationToken);
            }
            else
            {
                var result = await tasks[i];
                Assert.Equal("Tool 'Hang' timed out after 10s.", result.Error);
                Assert.Equal(TimeSpan.FromSeconds(10), result.Duration);
            }
        }
        Assert.All(await Task.WhenAll(quick), r => Assert.Equal("quick", r.Output));
        Assert.Equal(calls / 2 + calls, executor.TotalExecutions);
        Assert.Equal(calls / 2, executor.GetExecutions().Count(e => e.ToolName == "Hang"));
        foreach (var source in sources)
        {
            source.Dispose();
        }
    }

    private sealed class CallbackTool(string name, Func<CancellationToken, Task<ToolResult>> run) : ITool
    {
        public string Name => name;

        public string Description => name;

        public ToolCategory Category => ToolCategory.Other;

        public ToolSchema Schema => ToolSchema.Empty;

        public Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) => run(cancellationToken);
    }
}
