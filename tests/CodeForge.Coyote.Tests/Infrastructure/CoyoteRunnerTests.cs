using Microsoft.Coyote.Specifications;
using Microsoft.Coyote.SystematicTesting;

namespace CodeForge.Coyote.Tests.Infrastructure;

/// <summary>
/// The runner itself: it catches a lost update with each strategy, its traces replay, it refuses uncontrolled
/// concurrency (strict mode), and it checks that the assemblies were rewritten.
/// </summary>
public sealed class CoyoteRunnerTests
{
    private sealed class RacyCounter
    {
        private int _value;
        public int Value => _value;
        public async Task IncrementAsync()
        {
            var v = _value;
            await Task.Yield();
            _value = v + 1;
        }
    }

    private static async Task LostUpdateScenario()
    {
        var c = new RacyCounter();
        await Task.WhenAll(new[] { Task.Run(c.IncrementAsync), Task.Run(c.IncrementAsync) });
        Specification.Assert(c.Value == 2, $"lost update: value={c.Value}");
    }

    [Theory]
    [InlineData(CoyoteStrategy.Random)]
    [InlineData(CoyoteStrategy.Probabilistic)]
    [InlineData(CoyoteStrategy.Prioritization)]
    public void Explore_WhenScenarioHasLostUpdate_FindsItAndItsTraceReplays(CoyoteStrategy strategy)
    {
        var bug = CoyoteRunner.AssertFindsBug(LostUpdateScenario, strategy);

        Assert.Contains("lost update", bug, StringComparison.Ordinal);
    }

    [Fact]
    public void Explore_WhenScenarioIsCorrect_ExploresEveryIterationAndSeveralDistinctSchedules()
    {
        var run = CoyoteRunner.AssertNoBug(async () =>
        {
            var gate = new SemaphoreSlim(1, 1);
            var value = 0;
            async Task Increment()
            {
                await gate.WaitAsync();
                try
                {
                    var v = value;
                    await Task.Yield();
                    value = v + 1;
                }
                finally
                {
                    gate.Release();
                }
            }
            await Task.WhenAll(new[] { Task.Run(Increment), Task.Run(Increment), Task.Run(Increment) });
            Specification.Assert(value == 3, $"lost update: value={value}");
        }, CoyoteStrategy.Random, iterations: 50);

        Assert.Equal(50, run.ExploredSchedules);
        Assert.True(run.DistinctSchedules > 2, $"{run.DistinctSchedules} distinct schedules");
    }

    [Fact]
    public void Explore_WhenTheTestQueuesWorkOnTheThreadPoolDirectly_FailsInStrictMode()
    {
        // ThreadPool.QueueUserWorkItem runs its callback on a real pool thread that Coyote does not schedule (a raw Thread
        // started from rewritten code, by contrast, is controlled by Coyote 1.7.11). Strict mode must report the
        // uncontrolled call instead of exploring around it, which is what the lenient (default) settings do.
        static async Task Uncontrolled()
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            ThreadPool.QueueUserWorkItem(_ => done.SetResult());
            await done.Task;
        }

        var strict = CoyoteRunner.Explore(Uncontrolled, CoyoteStrategy.Random, iterations: 10);
        Assert.True(strict.BugsFound > 0, "strict mode accepted work queued on the thread pool");
        Assert.Contains("'System.Threading.ThreadPool.QueueUserWorkItem' is not intercepted and controlled", strict.Bug, StringComparison.Ordinal);

        // The same scenario under the lenient (default) settings passes: that is the hole strict mode closes.
        var lenient = CoyoteRunner.Configure(CoyoteStrategy.Random, 10, memoryAccessRaces: false)
            .WithPartiallyControlledConcurrencyAllowed(true)
            .WithSystematicFuzzingFallbackEnabled(true);
        using var engine = TestingEngine.Create(lenient, Uncontrolled);
        engine.Run();
        Assert.Equal(0, engine.TestReport.NumOfFoundBugs);
    }

    [Fact]
    public void AssertRewritten_OnTheRewrittenBuild_AcceptsBothAssemblies()
    {
        // Fails (with the build hint) if the test assembly, CodeForge.Core.dll or CodeForge.Mcp.dll was left unrewritten.
        CoyoteRunner.AssertRewritten();

        Assert.True(Microsoft.Coyote.Rewriting.RewritingEngine.IsAssemblyRewritten(typeof(CodeForge.Core.Tools.ToolExecutor).Assembly));
        Assert.True(Microsoft.Coyote.Rewriting.RewritingEngine.IsAssemblyRewritten(typeof(CodeForge.Mcp.Client.McpClientManager).Assembly));
        Assert.False(Microsoft.Coyote.Rewriting.RewritingEngine.IsAssemblyRewritten(typeof(ModelContextProtocol.Client.McpClient).Assembly),
            "the MCP SDK reads as rewritten, but the rewrite list leaves it out");
        Assert.False(Microsoft.Coyote.Rewriting.RewritingEngine.IsAssemblyRewritten(typeof(Assert).Assembly),
            "xunit's assembly reads as rewritten: the check cannot tell rewritten from not");
    }
}
