using BenchmarkDotNet.Attributes;
using CodeForge.Core.Skills;

namespace CodeForge.Benchmarks.Skills;

/// <summary>
/// Activation throughput (each activation replaces the active skill: one Deactivated + one Activated transition, one
/// snapshot swap under the lock) and the cost of reading the active skill, on one thread and on two threads at once.
/// Figures are per operation (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class SkillRegistryBenchmarks
{
    private const int ActivationsPerThread = 2_000;
    private const int ReadsPerThread = 1_000_000;
    private const int ContendedReads = 5_000_000; // amortises the writer thread's start

    private SkillRegistry _registry = null!;
    private long _sink;

    /// <summary>Number of <see cref="SkillRegistry.Changed"/> handlers (0 = no notification work beyond the queue).</summary>
    [Params(0, 1)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _registry = new SkillRegistry();
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            _registry.Register(new Skill(new SkillDefinition(new SkillMetadata(name, "d"), "p")));
        }
        for (var i = 0; i < Subscribers; i++)
        {
            _registry.Changed += (_, t) => Interlocked.Add(ref _sink, t.Sequence);
        }
        _registry.Activate("a");
    }

    private void Activations(string first, string second)
    {
        for (var i = 0; i < ActivationsPerThread; i++)
        {
            _registry.Activate((i & 1) == 0 ? first : second);
        }
    }

    private long Reads(int count = ReadsPerThread)
    {
        long found = 0;
        for (var i = 0; i < count; i++)
        {
            if (_registry.ActiveSkill is not null)
            {
                found++;
            }
        }
        return found;
    }

    [Benchmark(OperationsPerInvoke = ActivationsPerThread)]
    public void Activate_1Thread() => Activations("a", "b");

    [Benchmark(OperationsPerInvoke = 2 * ActivationsPerThread)]
    public void Activate_2Threads() => Parallel.Invoke(() => Activations("a", "b"), () => Activations("c", "d"));

    [Benchmark(OperationsPerInvoke = ReadsPerThread)]
    public long ActiveSkill_1Thread() => Reads();

    [Benchmark(OperationsPerInvoke = 2 * ReadsPerThread)]
    public long ActiveSkill_2Threads()
    {
        long a = 0, b = 0;
        Parallel.Invoke(() => a = Reads(), () => b = Reads());
        return a + b;
    }

    /// <summary>Reads while a dedicated thread keeps activating: the reader never waits for the writer.</summary>
    [Benchmark(OperationsPerInvoke = ContendedReads)]
    public long ActiveSkill_WhileAnotherThreadActivates()
    {
        var stop = 0;
        var writer = new Thread(() =>
        {
            var i = 0;
            while (Volatile.Read(ref stop) == 0)
            {
                _registry.Activate((i++ & 1) == 0 ? "c" : "d");
            }
        });
        writer.Start();
        var reads = Reads(ContendedReads);
        Volatile.Write(ref stop, 1);
        writer.Join();
        return reads;
    }
}
