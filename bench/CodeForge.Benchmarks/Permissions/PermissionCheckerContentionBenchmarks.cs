using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CodeForge.Core.Permissions;

namespace CodeForge.Benchmarks.Permissions;

/// <summary>
/// Checks from 1 or 2 threads (the mix of five calls in <see cref="PermissionBenchmarkRules.Calls"/>), with or without a
/// third thread adding and removing session rules as fast as it can. The figure is wall time per check per thread:
/// equal figures for 1 and 2 threads mean perfect scaling. On a 2-core machine the mutator competes for a core.
/// </summary>
[MemoryDiagnoser]
public class PermissionCheckerContentionBenchmarks
{
    private const int ChecksPerThread = 2_000;
    private PermissionChecker _checker = null!;
    private (string Tool, JsonElement Args)[] _calls = null!;
    private Thread? _mutator;
    private volatile bool _stop;
    private long _mutations;

    [Params(1, 2)]
    public int Threads { get; set; }

    [Params(false, true)]
    public bool Mutating { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _checker = PermissionBenchmarkRules.CreateChecker();
        _calls = PermissionBenchmarkRules.Calls;
        _stop = false;
        if (Mutating)
        {
            _mutator = new Thread(() =>
            {
                var n = 0L;
                while (!_stop)
                {
                    _checker.AddSessionRule(PermissionBehavior.Allow, "Bash(make *)");
                    _checker.AddSessionRule(PermissionBehavior.Deny, "WebFetch(domain:evil.example)");
                    _checker.RemoveSessionRule("Bash(make *)");
                    _checker.RemoveSessionRule("WebFetch(domain:evil.example)");
                    n += 4;
                }
                Interlocked.Exchange(ref _mutations, n);
            })
            { IsBackground = true, Name = "permission-mutator" };
            _mutator.Start();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop = true;
        _mutator?.Join();
        if (Mutating)
        {
            Console.WriteLine($"// mutator performed {Interlocked.Read(ref _mutations)} session-rule mutations");
        }
    }

    [Benchmark(OperationsPerInvoke = ChecksPerThread)]
    public int CheckMix()
    {
        var allowed = 0;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ =>
        {
            var local = 0;
            for (var i = 0; i < ChecksPerThread; i++)
            {
                var (tool, args) = _calls[i % _calls.Length];
                if (_checker.Check(tool, args).IsAllowed)
                {
                    local++;
                }
            }
            Interlocked.Add(ref allowed, local);
        });
        return allowed;
    }
}
