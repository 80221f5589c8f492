using System.Text.Json;
using CodeForge.Core.Tools;
using CodeForge.Coyote.Tests.Infrastructure;
using Microsoft.Coyote.Specifications;

namespace CodeForge.Coyote.Tests.Tools;

/// <summary>
/// Systematic scheduling of <see cref="ToolExecutor"/>: concurrent calls (one yielding, two completing synchronously),
/// a concurrent history reader and a concurrent registry change. Memory-access interleaving is on: without it an
/// unlocked history append has no scheduling point and a lost update goes unseen. The broken variant (the history lock
/// removed) must be caught by the same scenario.
/// </summary>
public sealed class ToolExecutorCoyoteTests
{
    private sealed class YieldingTool(string name, bool yields) : ITool
    {
        public string Name => name;

        public string Description => name;

        public ToolCategory Category => ToolCategory.Other;

        public ToolSchema Schema => ToolSchema.Empty;

        public async Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
        {
            if (yields)
            {
                await Task.Yield();
            }
            return ToolResult.Ok(name);
        }
    }

    /// <summary>What the scenario drives: the real executor, or one whose history has lost its lock.</summary>
    private interface IExecutor
    {
        Task<ToolResult> ExecuteAsync(string name, ToolContext context);

        int HistoryLength { get; }

        long TotalExecutions { get; }
    }

    private sealed class RealExecutor(ToolExecutor executor) : IExecutor
    {
        public Task<ToolResult> ExecuteAsync(string name, ToolContext context) => executor.ExecuteAsync(name, default, context);

        public int HistoryLength => executor.GetExecutions().Length;

        public long TotalExecutions => executor.TotalExecutions;
    }

    /// <summary>
    /// The broken variant: the real <see cref="ToolExecutor"/> runs every call (lookup, validation, timeout), with its own
    /// history turned off (<c>maxHistory: 0</c>); the history is kept by a copy of <c>ToolExecutor.Record</c>,
    /// <c>GetExecutions</c> and <c>TotalExecutions</c> that differs from the real code only by the removed
    /// <c>lock (_historyGate)</c>.
    /// </summary>
    private sealed class UnlockedHistoryExecutor(ToolRegistry registry, int maxHistory) : IExecutor
    {
        private readonly ToolExecutor _runner = new(registry, maxHistory: 0);
        private readonly Queue<ToolResult> _history = new();
        private long _totalExecutions;

        public async Task<ToolResult> ExecuteAsync(string name, ToolContext context)
        {
            var result = await _runner.ExecuteAsync(name, default, context);
            Record(result);
            return result;
        }

        public int HistoryLength => _history.ToArray().Length;

        public long TotalExecutions => _totalExecutions;

        private void Record(ToolResult execution)
        {
            _totalExecutions++;
            if (maxHistory == 0)
            {
                return;
            }
            _history.Enqueue(execution);
            if (_history.Count > maxHistory)
            {
                _history.Dequeue();
            }
        }
    }

    private static async Task Scenario(Func<ToolRegistry, IExecutor> create)
    {
        var registry = new ToolRegistry();
        registry.RegisterMany([new YieldingTool("A", yields: true), new YieldingTool("B", yields: false)]);
        var executor = create(registry);
        var context = new ToolContext("/tmp") { Timeout = Timeout.InfiniteTimeSpan };

        var calls = new[]
        {
            Task.Run(() => executor.ExecuteAsync("A", context)),
            Task.Run(() => executor.ExecuteAsync("B", context)),
            Task.Run(() => executor.ExecuteAsync("B", context)),
        };
        var reader = Task.Run(() =>
        {
            var seen = executor.HistoryLength;
            Specification.Assert(seen <= 2, $"history over its bound: {seen}");
        });
        var churn = Task.Run(() =>
        {
            registry.Deregister("B");
            registry.Register(new YieldingTool("B", yields: false));
        });
        await Task.WhenAll(new[] { calls[0], calls[1], calls[2], reader, churn });

        foreach (var call in calls)
        {
            var result = await call;
            Specification.Assert(
                result.Success || result.Error!.StartsWith("Unknown tool: 'B'", StringComparison.Ordinal),
                $"unexpected result: {result.Error}");
        }
        Specification.Assert(executor.TotalExecutions == 3, $"lost an execution: total {executor.TotalExecutions}");
        Specification.Assert(executor.HistoryLength == 2, $"history has {executor.HistoryLength}, not 2");
        Specification.Assert(registry.Count == 2, $"registry has {registry.Count} tools");
    }

    [Fact]
    public void ConcurrentCalls_RecordEveryExecution_AndReadersSeeABoundedHistory() =>
        CoyoteRunner.AssertNoBug(() => Scenario(registry => new RealExecutor(new ToolExecutor(registry, maxHistory: 2))),
            CoyoteStrategy.Prioritization, iterations: 100, memoryAccessRaces: true);

    [Fact]
    public void ConcurrentCalls_WhenTheHistoryLockIsRemoved_AreCaught()
    {
        var bug = CoyoteRunner.AssertFindsBug(() => Scenario(registry => new UnlockedHistoryExecutor(registry, maxHistory: 2)),
            CoyoteStrategy.Prioritization, iterations: 100, memoryAccessRaces: true);

        Assert.Matches("data race|lost an execution|history has|over its bound", bug);
    }
}
