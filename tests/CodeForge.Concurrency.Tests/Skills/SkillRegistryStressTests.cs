using System.Collections.Concurrent;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Skills;

namespace CodeForge.Concurrency.Tests.Skills;

/// <summary>Mixed operations and re-entrant callbacks under contention; invariants at every observation and at rest.</summary>
[Collection(NonParallel.Name)]
public sealed class SkillRegistryStressTests
{
    private static Skill Make(string name) =>
        new(new SkillDefinition(new SkillMetadata(name, "d", aliases: [$"{name}-alias"]), "p"));

    [Fact]
    public void MixedOperations_WithCallbacksThatCallBack_KeepEveryInvariantAndDoNotDeadlock()
    {
        const int threads = 8, opsPerThread = 400;
        var registry = new SkillRegistry();
        string[] names = ["a", "b", "c", "d"];
        foreach (var name in names)
        {
            registry.Register(Make(name));
        }
        var reentrantCalls = 0;
        var observer = new SkillRegistryObserver(registry)
        {
            // Every 7th delivery re-enters the registry from inside the callback: reads, and sometimes writes.
            OnDelivery = t =>
            {
                if (t.Sequence % 7 != 0)
                {
                    return;
                }
                Interlocked.Increment(ref reentrantCalls);
                _ = registry.GetStats();
                if (t.Sequence % 2 == 0)
                {
                    registry.Activate(names[t.Sequence % names.Length]);
                }
                else
                {
                    registry.Deactivate();
                }
            },
        };
        var problems = new ConcurrentQueue<string>();
        var successfulActivations = 0;

        Stress.RunThreads(threads, t =>
        {
            var random = new Random(t);
            for (var i = 0; i < opsPerThread; i++)
            {
                var name = names[random.Next(names.Length)];
                switch (random.Next(6))
                {
                    case 0 or 1:
                        if (registry.Activate(random.Next(2) == 0 ? name : $"{name}-alias").Succeeded)
                        {
                            Interlocked.Increment(ref successfulActivations);
                        }
                        break;
                    case 2:
                        registry.Deactivate();
                        break;
                    case 3:
                        if (registry.Unregister(name))
                        {
                            registry.Register(Make(name));
                        }
                        break;
                    default:
                        foreach (var p in SkillRegistryObserver.CheckSnapshot(registry.Snapshot))
                        {
                            problems.Enqueue(p);
                        }
                        break;
                }
            }
        });

        Assert.Empty(problems);
        Assert.True(reentrantCalls > 0);
        var delivered = observer.Delivered;
        var activations = delivered.Count(d => d.Kind == SkillTransitionKind.Activated);
        // Activations by the workers plus those made from inside callbacks (whose results the test did not count).
        Assert.True(activations >= successfulActivations, $"{activations} delivered < {successfulActivations} made");
        observer.AssertWellNestedAtRest(registry);
        Assert.Equal(0, registry.CallbackFailures);
        Assert.Equal(names.Length, registry.Count); // each unregister is followed by its own thread's re-register
    }

    [Fact]
    public void ThrowingCallbacks_UnderContention_AreAllReportedAndDeliveryContinues()
    {
        const int threads = 6, activationsPerThread = 100;
        var registry = new SkillRegistry();
        registry.Register(Make("a"));
        registry.Register(Make("b"));
        registry.Changed += (_, t) =>
        {
            if (t.Sequence % 3 == 0)
            {
                throw new InvalidOperationException($"callback failed at #{t.Sequence}");
            }
        };
        var observer = new SkillRegistryObserver(registry);
        var reported = new ConcurrentQueue<long>();
        registry.CallbackFailed += (_, f) => reported.Enqueue(f.Transition.Sequence);

        Stress.RunThreads(threads, t =>
        {
            for (var i = 0; i < activationsPerThread; i++)
            {
                Assert.True(registry.Activate((t + i) % 2 == 0 ? "a" : "b").Succeeded);
            }
        });

        observer.AssertWellNestedAtRest(registry, expectedActivations: threads * activationsPerThread);
        var total = observer.Delivered.Count;
        Assert.Equal(Enumerable.Range(1, total / 3).Select(i => 3L * i), reported.Order());
        Assert.Equal(total / 3, registry.CallbackFailures);
    }
}
