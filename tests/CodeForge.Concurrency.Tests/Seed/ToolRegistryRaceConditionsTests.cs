using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Tools;

namespace CodeForge.Concurrency.Tests.Seed;

/// <summary>
/// Seed tests 1–5 (<c>TestToolRegistryRaceConditions</c>) with the seed's workloads and stronger assertions: exact
/// counts and name sets, registration order per thread, no partial snapshot, one shared instance.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class ToolRegistryRaceConditionsTests : IDisposable
{
    // The seed's autouse fixture resets the singleton before and after each test.
    public ToolRegistryRaceConditionsTests() => ToolRegistry.ResetShared();

    public void Dispose() => ToolRegistry.ResetShared();

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public void ConcurrentToolRegistration()
    {
        const int threads = 20, toolsPerThread = 10;
        var registry = ToolRegistry.Shared;

        Stress.RunThreads(threads, t =>
        {
            for (var i = 0; i < toolsPerThread; i++)
            {
                registry.Register(new MockTool($"Tool_T{t}_I{i}"));
            }
        });

        Assert.Equal(threads * toolsPerThread, registry.Count);
        var all = registry.ListAll();
        var expected = Enumerable.Range(0, threads)
            .SelectMany(t => Enumerable.Range(0, toolsPerThread).Select(i => $"Tool_T{t}_I{i}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, registry.ListNames());
        Assert.Equal(expected, all.Select(x => x.Name).Order(StringComparer.Ordinal));
        // Registration order is a linearization: each thread's tools appear in the order that thread registered them.
        var position = all.Select((tool, index) => (tool.Name, index)).ToDictionary(p => p.Name, p => p.index);
        for (var t = 0; t < threads; t++)
        {
            var order = Enumerable.Range(0, toolsPerThread).Select(i => position[$"Tool_T{t}_I{i}"]).ToList();
            Assert.Equal(order.Order(), order);
        }
    }

    [Fact]
    public void ConcurrentRegisterAndDeregister()
    {
        var registry = ToolRegistry.Shared;
        for (var i = 0; i < 50; i++)
        {
            registry.Register(new MockTool($"Initial_{i}"));
        }
        int registered = 0, deregisterHits = 0, deregisterMisses = 0, listings = 0;

        Stress.Pool(maxWorkers: 20, jobs: 100, op =>
        {
            switch (op % 3)
            {
                case 0:
                    registry.Register(new MockTool($"New_{op}"));
                    Interlocked.Increment(ref registered);
                    break;
                case 1:
                    Interlocked.Increment(ref registry.Deregister($"Initial_{op % 50}") ? ref deregisterHits : ref deregisterMisses);
                    break;
                default:
                    var snapshot = registry.ListAll();
                    // Every snapshot is a whole state: unique names, only names this test uses, size within bounds.
                    Assert.Equal(snapshot.Length, snapshot.Select(t => t.Name).Distinct().Count());
                    Assert.All(snapshot, t => Assert.True(t.Name.StartsWith("Initial_", StringComparison.Ordinal) || t.Name.StartsWith("New_", StringComparison.Ordinal)));
                    Assert.InRange(snapshot.Length, 50 - 33, 50 + 34);
                    Interlocked.Increment(ref listings);
                    break;
            }
        });

        // ops 0,3,..,99 register 34 tools; ops 1,4,..,97 deregister Initial_{op%50}: 33 distinct names, all present.
        var deregistered = Enumerable.Range(0, 100).Where(op => op % 3 == 1).Select(op => op % 50).ToHashSet();
        Assert.Equal(33, deregistered.Count);
        Assert.Equal(34, registered);
        Assert.Equal(33, deregisterHits);
        Assert.Equal(0, deregisterMisses);
        Assert.Equal(33, listings);
        Assert.Equal(50 + 34 - 33, registry.Count);
        var expected = Enumerable.Range(0, 50).Where(i => !deregistered.Contains(i)).Select(i => $"Initial_{i}")
            .Concat(Enumerable.Range(0, 100).Where(op => op % 3 == 0).Select(op => $"New_{op}"))
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, registry.ListNames());
    }

    [Fact]
    public void ConcurrentGetOperations()
    {
        var registry = ToolRegistry.Shared;
        var tools = Enumerable.Range(0, 10).Select(i => new MockTool($"Tool_{i}")).ToArray();
        registry.RegisterMany(tools);
        var results = new ITool?[300];
        var done = 0;

        Stress.Pool(maxWorkers: 30, jobs: 300, i =>
        {
            results[i] = registry.Get($"Tool_{i % 10}");
            Interlocked.Increment(ref done);
        });

        Assert.Equal(300, done);
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Same(tools[i % 10], results[i]);
        }
    }

    [Fact]
    public void SingletonCreationRaceCondition()
    {
        const int racers = 50;
        ToolRegistry.ResetShared();
        var creationsBefore = ToolRegistry.SharedCreationCount;
        var instances = new ToolRegistry[racers];
        using var allRegistered = new Barrier(racers);

        Stress.RunThreads(racers, i =>
        {
            instances[i] = ToolRegistry.Shared; // all released together by the stress barrier
            instances[i].Register(new MockTool($"Racer_{i}"));
            Assert.True(allRegistered.SignalAndWait(Patience), "racers did not all register");
            // What any racer registered is visible through every racer's instance.
            Assert.Equal(racers, instances[i].Count);
        });

        Assert.All(instances, instance => Assert.Same(instances[0], instance));
        Assert.Same(ToolRegistry.Shared, instances[0]);
        Assert.Equal(creationsBefore + 1, ToolRegistry.SharedCreationCount);
        Assert.Equal(Enumerable.Range(0, racers).Select(i => $"Racer_{i}").Order(StringComparer.Ordinal), instances[0].ListNames());
    }

    [Fact]
    public void ConcurrentClearAndAccess()
    {
        const int readers = 10;
        var registry = ToolRegistry.Shared;
        registry.RegisterMany(Enumerable.Range(0, 20).Select(i => new MockTool($"Tool_{i}")));
        var full = registry.ListAll();
        using var everyReaderSawFull = new CountdownEvent(readers);
        var cleared = 0;
        var observations = 0L;

        Stress.RunThreads(readers + 1, t =>
        {
            if (t == readers)
            {
                // The clearer: clear once every reader has seen the full registry (instead of the seed's 10 ms sleep).
                Assert.True(everyReaderSawFull.Wait(Patience), "readers never saw the full registry");
                registry.Clear();
                Volatile.Write(ref cleared, 1);
                return;
            }
            bool sawFull = false, sawEmpty = false;
            while (true)
            {
                var stopping = Volatile.Read(ref cleared) == 1; // read before observing: what follows is after Clear
                var snapshot = registry.ListAll();
                var count = registry.Count;
                Interlocked.Increment(ref observations);
                if (snapshot.IsEmpty)
                {
                    sawEmpty = true;
                    Assert.Equal(0, count); // nothing re-registers, so a later Count cannot be 20
                }
                else
                {
                    Assert.Equal(full, snapshot); // never a partial snapshot
                    Assert.False(sawEmpty, "a full snapshot after an empty one");
                    Assert.True(count is 20 or 0, $"Count was {count}");
                    if (!sawFull)
                    {
                        sawFull = true;
                        everyReaderSawFull.Signal();
                    }
                }
                if (stopping)
                {
                    break;
                }
                Thread.Yield();
            }
            Assert.True(sawFull);
            Assert.True(sawEmpty, "the observation after Clear returned was not empty");
        });

        Assert.Equal(0, registry.Count);
        Assert.True(Interlocked.Read(ref observations) >= 2 * readers);
    }
}
