using System.Collections.Concurrent;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Concurrency.Tests.Skills;
using CodeForge.Core.Skills;

namespace CodeForge.Concurrency.Tests.Seed;

/// <summary>Seed tests 6 and 7 (TestSkillRegistryRaceConditions), with stronger assertions.</summary>
[Collection(NonParallel.Name)]
public sealed class SkillRegistryRaceConditionsTests : IDisposable
{
    public SkillRegistryRaceConditionsTests() => SkillRegistry.ResetShared();

    public void Dispose() => SkillRegistry.ResetShared();

    private static Skill TestSkill(string name) => new(new SkillDefinition(
        new SkillMetadata(name, "Test skill", author: "Test", version: "1.0.0"), "Test skill prompt", config: []));

    /// <summary>Runs <paramref name="work"/> while <paramref name="readers"/> threads check every snapshot they observe.</summary>
    private static List<string> WhileObserving(SkillRegistry registry, int readers, Action work)
    {
        var problems = new ConcurrentQueue<string>();
        var done = 0;
        var observations = 0;
        Stress.RunThreads(readers + 1, t =>
        {
            if (t == readers)
            {
                try
                {
                    work();
                }
                finally
                {
                    Volatile.Write(ref done, 1);
                }
                return;
            }
            long lastVersion = -1;
            do
            {
                var snapshot = registry.Snapshot;
                if (snapshot.Version < lastVersion)
                {
                    problems.Enqueue($"reader {t} saw version {snapshot.Version} after {lastVersion}");
                }
                lastVersion = snapshot.Version;
                foreach (var p in SkillRegistryObserver.CheckSnapshot(snapshot))
                {
                    problems.Enqueue(p);
                }
                Interlocked.Increment(ref observations);
                Thread.Yield(); // observe often, but leave the 2 cores to the workers
            }
            while (Volatile.Read(ref done) == 0);
        });
        Assert.True(observations >= readers);
        return [.. problems];
    }

    [Fact]
    public void ConcurrentSkillRegistration()
    {
        const int threads = 15, skillsPerThread = 5;
        var registry = SkillRegistry.Shared;

        var problems = WhileObserving(registry, readers: 2, () =>
            Stress.RunThreads(threads, t =>
            {
                for (var i = 0; i < skillsPerThread; i++)
                {
                    registry.Register(TestSkill($"skill_t{t}_i{i}"));
                }
            }));

        Assert.Empty(problems);
        Assert.Same(registry, SkillRegistry.Shared);
        var expected = Enumerable.Range(0, threads)
            .SelectMany(t => Enumerable.Range(0, skillsPerThread).Select(i => $"skill_t{t}_i{i}"))
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, registry.ListSkills().Select(s => s.Name));
        Assert.Equal(threads * skillsPerThread, registry.Count);
        Assert.Equal(threads * skillsPerThread, registry.Snapshot.Version); // one atomic change per registration
        var stats = registry.GetStats();
        Assert.Equal((75, 0, 75, (string?)null), (stats.Total, stats.Builtin, stats.Custom, stats.Active));
    }

    [Fact]
    public void ConcurrentSkillActivation()
    {
        const int workers = 20, jobs = 50;
        var registry = SkillRegistry.Shared;
        var skills = Enumerable.Range(0, 10).Select(i => TestSkill($"skill_{i}")).ToArray();
        foreach (var skill in skills)
        {
            registry.Register(skill);
        }
        var observer = new SkillRegistryObserver(registry);
        var results = new ConcurrentBag<SkillActivationResult>();

        var problems = WhileObserving(registry, readers: 2, () =>
            Stress.Pool(workers, jobs, i =>
            {
                var result = registry.Activate($"skill_{i % 10}");
                var (skill, errors) = result;
                Assert.Empty(errors);
                Assert.Same(skills[i % 10], skill);
                results.Add(result);
            }));

        Assert.Empty(problems);
        Assert.Equal(jobs, results.Count);
        Assert.All(results, r => Assert.True(r.Succeeded));
        // Every activation has its own sequence number: 50 activations, each but the first replacing one (49
        // deactivations), numbered 1..99 without gaps.
        var activationNumbers = results.Select(r => r.Activation!.Sequence).Order().ToList();
        Assert.Equal(Enumerable.Range(0, jobs).Select(i => 2L * i + 1), activationNumbers);
        observer.AssertWellNestedAtRest(registry, expectedActivations: jobs);
        Assert.Equal(2 * jobs - 1, observer.Delivered.Count);
        Assert.Equal(activationNumbers, observer.Delivered
            .Where(t => t.Kind == SkillTransitionKind.Activated).Select(t => t.Sequence));
        // The survivor is the activation with the highest number.
        Assert.Equal(activationNumbers[^1], registry.Active!.Sequence);
        Assert.Same(results.Single(r => r.Activation!.Sequence == activationNumbers[^1]).Activation, registry.Active);
        Assert.Equal(10, registry.Count);
    }
}
