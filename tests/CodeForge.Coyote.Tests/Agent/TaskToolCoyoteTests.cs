using System.Text.Json;
using CodeForge.Core.Agent;
using CodeForge.Core.Tools;
using CodeForge.Coyote.Tests.Infrastructure;
using Microsoft.Coyote.Specifications;
using Microsoft.Extensions.AI;

namespace CodeForge.Coyote.Tests.Agent;

/// <summary>
/// Systematic scheduling of <see cref="TaskTool"/>'s subagent slots: five parallel Task calls on a tool whose bound is
/// two. The real <see cref="TaskTool.ExecuteAsync"/> runs (lookup of the agent type, the semaphore, the running count and
/// its maximum); only the child <see cref="AgentLoop"/> is replaced, through the
/// <see cref="TaskTool.SubagentRunForTests"/> seam, by a subagent that yields while it runs (the loop's model I/O is not
/// what is shared, and Coyote 1.7.11's rewrite of its <c>await foreach</c> crashes on .NET 10, see docs/verification.md).
/// In every schedule at most two subagents run at once, <see cref="TaskTool.Running"/> agrees with them, every call
/// returns its own subagent's answer, and at rest nothing runs and the observed maximum is within the bound. The real
/// tool with its semaphore left out (<see cref="TaskTool.SlotsBrokenForTests"/>) must be caught.
/// </summary>
public sealed class TaskToolCoyoteTests
{
    private const int Bound = 2;

    /// <summary>The tool needs a client; the seam means it is never called.</summary>
    private sealed class UnusedChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the subagent run is replaced in this test");

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the subagent run is replaced in this test");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private static JsonElement Call(int i) => JsonSerializer.SerializeToElement(new Dictionary<string, string>
    {
        ["description"] = $"task {i}",
        ["prompt"] = $"prompt {i}",
        ["subagent_type"] = "general-purpose",
    });

    private static async Task Scenario(bool slotsBroken)
    {
        var running = 0;
        TaskTool? tool = null;
        using var client = new UnusedChatClient();
        tool = new TaskTool(client, new ToolExecutor(), new ToolContext("/work"), authorizer: null, new AgentCatalog(AgentDefinition.BuiltIn, []),
            new SubagentOptions { MaxConcurrency = Bound })
        {
            SlotsBrokenForTests = slotsBroken,
            SubagentRunForTests = async (agent, prompt, ct) =>
            {
                var now = Interlocked.Increment(ref running);
                Specification.Assert(now <= Bound, $"{now} subagents running with a bound of {Bound}");
                Specification.Assert(tool!.Running >= 1 && tool.Running <= Bound, $"Running says {tool.Running} while {now} run (bound {Bound})");
                await Task.Yield();
                Interlocked.Decrement(ref running);
                return ToolResult.Ok($"{agent.Name}: {prompt}");
            },
        };
        try
        {
            var calls = Enumerable.Range(0, 5).Select(i => Task.Run(() => tool.ExecuteAsync(Call(i), new ToolContext("/work"), CancellationToken.None))).ToArray();
            var results = await Task.WhenAll(calls);

            for (var i = 0; i < results.Length; i++)
            {
                var result = results[i];
                Specification.Assert(result.Success && result.Output == $"general-purpose: prompt {i}", $"call {i} returned '{result.Output}'");
            }
            Specification.Assert(tool.Running == 0, $"{tool.Running} subagents running at rest");
            Specification.Assert(tool.MaxObservedConcurrency is >= 1 and <= Bound, $"observed {tool.MaxObservedConcurrency} at once with a bound of {Bound}");
        }
        finally
        {
            tool.Dispose();
        }
    }

    [Fact]
    public void ParallelTaskCalls_OnABoundOfTwo_NeverRunMoreThanTwoSubagents() =>
        CoyoteRunner.AssertNoBug(() => Scenario(slotsBroken: false), CoyoteStrategy.Random);

    [Fact]
    public void ParallelTaskCalls_WhenTheSemaphoreIsLeftOut_AreCaught()
    {
        var bug = CoyoteRunner.AssertFindsBug(() => Scenario(slotsBroken: true), CoyoteStrategy.Random);

        Assert.Matches("subagents running with a bound|Running says|observed [3-9] at once", bug);
    }
}
