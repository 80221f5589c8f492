using System.Collections.Concurrent;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CodeForge.Core.Tools;

namespace CodeForge.Benchmarks.Tools;

/// <summary>
/// <see cref="ToolRegistry"/> reads against a bare <see cref="ConcurrentDictionary{TKey,TValue}"/> holding the same
/// tools (the baseline of each category, measured in the same run). Targets: <c>Get</c> within 2x of
/// <c>TryGetValue</c>; <c>ListAll</c> allocation-free (the dictionary's <c>Values</c> allocates a copy).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ToolRegistryBenchmarks
{
    private ToolRegistry _registry = null!;
    private ConcurrentDictionary<string, ITool> _dictionary = null!;
    private string[] _lookups = null!;

    [Params(10, 100)]
    public int Tools { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _registry = new ToolRegistry();
        _dictionary = new ConcurrentDictionary<string, ITool>(StringComparer.Ordinal);
        for (var i = 0; i < Tools; i++)
        {
            var tool = new BenchTool($"Tool_{i}");
            _registry.Register(tool);
            _dictionary[tool.Name] = tool;
        }
        // Lookup keys are fresh strings, as when a name arrives in a model's tool call (no reference-equality shortcut).
        _lookups = [.. Enumerable.Range(0, Tools).Select(i => new string($"Tool_{i}".AsSpan()))];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 100)]
    [BenchmarkCategory("Get")]
    public int ConcurrentDictionary_TryGetValue()
    {
        var found = 0;
        for (var i = 0; i < 100; i++)
        {
            if (_dictionary.TryGetValue(_lookups[i % _lookups.Length], out _))
            {
                found++;
            }
        }
        return found;
    }

    [Benchmark(OperationsPerInvoke = 100)]
    [BenchmarkCategory("Get")]
    public int Registry_Get()
    {
        var found = 0;
        for (var i = 0; i < 100; i++)
        {
            if (_registry.Get(_lookups[i % _lookups.Length]) is not null)
            {
                found++;
            }
        }
        return found;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("ListAll")]
    public int ConcurrentDictionary_Values() => _dictionary.Values.Count;

    [Benchmark]
    [BenchmarkCategory("ListAll")]
    public int Registry_ListAll() => _registry.ListAll().Length;

    [Benchmark]
    [BenchmarkCategory("ListAll")]
    public int Registry_ListNames() => _registry.ListNames().Length;

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Count")]
    public int ConcurrentDictionary_Count() => _dictionary.Count;

    [Benchmark]
    [BenchmarkCategory("Count")]
    public int Registry_Count() => _registry.Count;

    private sealed class BenchTool(string name) : ITool
    {
        public string Name => name;

        public string Description => name;

        public ToolCategory Category => ToolCategory.Other;

        public ToolSchema Schema => ToolSchema.Empty;

        public Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) =>
            Task.FromResult(ToolResult.Ok(name));
    }
}
