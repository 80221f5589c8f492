using System.Collections.Concurrent;
using CodeForge.Core.Shells;

namespace CodeForge.Core.Tests.Shells;

public sealed class ShellIdGeneratorTests
{
    [Fact]
    public void Next_ReturnsShellPrefixAndEightLowercaseHexDigits()
    {
        Assert.Matches("^shell_[0-9a-f]{8}$", new ShellIdGenerator().Next());
    }

    [Fact]
    public void Next_CalledConcurrently_NeverRepeatsAnId()
    {
        var generator = new ShellIdGenerator(key: 0xFFFF_FFF0); // the counter wraps past 2^32 during the run
        var ids = new ConcurrentBag<string>();

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                ids.Add(generator.Next());
            }
        });

        Assert.Equal(160_000, ids.Distinct().Count());
    }

    [Fact]
    public void Mix_IsInjectiveOverAContiguousRange()
    {
        const int count = 1 << 20;
        var mixed = new uint[count];
        for (var i = 0; i < count; i++)
        {
            mixed[i] = ShellIdGenerator.Mix((uint)i * 7919u);
        }

        Assert.Equal(count, mixed.Distinct().Count());
    }
}
