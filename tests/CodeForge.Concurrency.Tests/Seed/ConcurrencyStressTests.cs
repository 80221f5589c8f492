using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Tools;

namespace CodeForge.Concurrency.Tests.Seed;

/// <summary>Seed tests 22–23 (<c>TestConcurrencyStress</c>).</summary>
[Collection(NonParallel.Name)]
public sealed partial class ConcurrencyStressTests : IDisposable
{
    // The seed's autouse fixture resets the singletons before and after each test.
    public ConcurrencyStressTests() => ToolRegistry.ResetShared();

    public void Dispose()
    {
        ToolRegistry.ResetShared();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public void HighContentionRegistryAccess()
    {
        var registry = ToolRegistry.Shared;
        var tools = Enumerable.Range(0, 100).Select(i => new MockTool($"Tool_{i}")).ToArray();
        foreach (var tool in tools)
        {
            registry.Register(tool);
        }
        var sortedNames = tools.Select(t => t.Name).Order(StringComparer.Ordinal).ToArray();
        var operations = 0;

        Stress.Pool(maxWorkers: 50, jobs: 1000, i =>
        {
            var name = $"Tool_{i % 100}";
            switch (i % 5)
            {
                case 0:
                    Assert.Same(tools[i % 100], registry.Get(name));
                    break;
                case 1:
                    Assert.True(registry.Exists(name));
                    break;
                case 2:
                    var all = registry.ListAll();
                    Assert.True(all.SequenceEqual(tools), $"ListAll was [{string.Join(", ", all)}]");
                    break;
                case 3:
                    var names = registry.ListNames();
                    Assert.True(names.SequenceEqual(sortedNames, StringComparer.Ordinal), $"ListNames was [{string.Join(", ", names)}]");
                    break;
                default:
                    Assert.Equal(100, registry.Count);
                    break;
            }
            Interlocked.Increment(ref operations);
        });

        Assert.Equal(1000, operations);
        Assert.Equal(100, registry.Count);
    }
}
