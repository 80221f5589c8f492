using System.Collections.Concurrent;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Skills;
using CodeForge.Core.Tools;

namespace CodeForge.Concurrency.Tests.Seed;

/// <summary>Seed tests 19–21 (<c>TestCrossComponentConcurrency</c>).</summary>
[Collection(NonParallel.Name)]
public sealed partial class CrossComponentConcurrencyTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("forge-cross-");

    // The seed's autouse fixture resets the singletons before and after each test.
    public CrossComponentConcurrencyTests()
    {
        ToolRegistry.ResetShared();
        SkillRegistry.ResetShared();
    }

    public void Dispose()
    {
        ToolRegistry.ResetShared();
        SkillRegistry.ResetShared();
        _temp.Delete(recursive: true);
    }

    private static MockTool[] RegisterTools(int count)
    {
        var tools = Enumerable.Range(0, count).Select(i => new MockTool($"Tool_{i}")).ToArray();
        ToolRegistry.Shared.RegisterMany(tools);
        return tools;
    }

    [Fact]
    public async Task ConcurrentToolExecutionWithRegistryAccess()
    {
        var tools = RegisterTools(10);
        var registry = ToolRegistry.Shared;
        var executor = new ToolExecutor();
        var context = new ToolContext(_temp.FullName) { Timeout = Timeout.InfiniteTimeSpan }; // no time limit to race on a loaded machine
        var outputs = new ConcurrentDictionary<int, string>();

        // 50 registry jobs on 10 threads run while 30 executions are gathered.
        var readers = Task.Run(() => Stress.Pool(maxWorkers: 10, jobs: 50, _ =>
        {
            var all = registry.ListAll();
            Assert.True(all.SequenceEqual(tools), "ListAll saw a partial or reordered registry");
            Assert.Equal(10, registry.Count);
        }), TestContext.Current.CancellationToken);
        await Stress.GatherAsync(30, async i =>
        {
            var tool = registry.Get($"Tool_{i % 10}");
            Assert.Same(tools[i % 10], tool);
            var result = await executor.ExecuteAsync(tool!.Name, ToolArguments.Empty, context, TestContext.Current.CancellationToken);
            Assert.True(result.Success, result.Error);
            outputs[i] = result.Output;
        });
        await readers;

        Assert.Equal(30, outputs.Count);
        Assert.All(outputs, kv => Assert.Equal($"Executed Tool_{kv.Key % 10}", kv.Value));
        var history = executor.GetExecutions();
        Assert.Equal(30, history.Length);
        Assert.Equal(Enumerable.Range(0, 10).ToDictionary(i => $"Tool_{i}", _ => 3),
            history.GroupBy(e => e.ToolName).ToDictionary(g => g.Key, g => g.Count()));
    }

    [Fact]
    public void ConcurrentMultiRegistryAccess()
    {
        var tools = RegisterTools(10);
        var skills = SkillRegistry.Shared;
        for (var i = 0; i < 5; i++)
        {
            skills.Register(new SkillDefinition(new SkillMetadata($"skill_{i}", "Test skill"), "Test skill prompt"));
        }
        var registry = ToolRegistry.Shared;

        Stress.Pool(maxWorkers: 30, jobs: 100, i =>
        {
            Assert.Equal(10, registry.ListAll().Length);
            Assert.Same(tools[i % 10], registry.Get($"Tool_{i % 10}"));
            Assert.Equal(5, skills.ListSkills().Count);
            var stats = skills.GetStats();
            Assert.Equal(5, stats.Total);
            if (i % 7 == 0)
            {
                // Activations race the readers: every observation still shows at most one active skill.
                skills.Activate($"skill_{i % 5}");
            }
            // One snapshot per observation: reading a fresh snapshot per skill (as this test once did) mixes states
            // that never existed together and can count two active skills across two activations.
            var snapshot = skills.Snapshot;
            var active = snapshot.ListSkills().Count(s => snapshot.IsActive(s.Name));
            Assert.InRange(active, 0, 1);
            Assert.Equal(snapshot.ActiveSkill is null ? 0 : 1, active);
        });

        Assert.Equal(10, registry.Count);
        Assert.NotNull(skills.ActiveSkill);
    }
}
