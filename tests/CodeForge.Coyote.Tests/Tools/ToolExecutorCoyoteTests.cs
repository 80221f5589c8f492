using System.Text.Json;
using CodeForge.Core.Tools;
using CodeForge.Coyote.Tests.Infrastructure;
using Microsoft.Coyote.Specifications;

namespace CodeForge.Coyote.Tests.Tools;

/// <summary>
/// Systematic scheduling of <see cref="ToolExecutor"/>: concurrent calls (one yielding, two completing synchronously),
/// a concurrent history reader and a concurrent registry change. Memory-access interleaving is on: without it an
/// unlocked history append has no scheduling point and a lost update goes unseen (tried: removing the history lock is
/// then caught at schedule 1).
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

    [Fact]
    public void ConcurrentCalls_RecordEveryExecution_AndReadersSeeABoundedHistory()
    {
        CoyoteRunner.AssertNoBug(async () =>
        {
            var registry = new ToolRegistry();
            registry.RegisterMany([new YieldingTool("A", yields: true), new YieldingTool("B", yields: false)]);
            var executor = new ToolExecutor(registry, maxHistory: 2);
            var context = new ToolContext("/tmp") { Timeout = Timeout.InfiniteTimeSpan };

            var calls = new[]
            {
                Task.Run(() => executor.ExecuteAsync("A", default, context)),
                Task.Run(() => executor.ExecuteAsync("B", default, context)),
                Task.Run(() => executor.ExecuteAsync("B", default, context)),
            };
            var reader = Task.Run(() =>
            {
                var seen = executor.GetExecutions();
                Specification.Assert(seen.Length <= 2, $"history over its bound: {seen.Length}");
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
            Specification.Assert(executor.GetExecutions().Length == 2, $"history has {executor.GetExecutions().Length}, not 2");
            Specification.Assert(registry.Count == 2, $"registry has {registry.Count} tools");
        }, CoyoteStrategy.Prioritization, iterations: 100, memoryAccessRaces: true);
    }
}
